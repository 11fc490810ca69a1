"""What a user waits for: the register and the reports through HTTP, against gunicorn with
production settings, beside DuckDB answering the same questions on the same rows.

Each question is a page a signed-in reader opens (``questions``): the register's first page,
a province and category filter, a deep page, a drill-down from a report figure, the provincial
and national report pages, the national map, and the register export's time to first byte. The reader's session
is made by the benchmark (``bench/steps.py web-sessions``, Django's own sign-in), so that no
password form is timed. Every answer must be a 200; a list's references on the page are kept,
so that the run can say whether DuckDB's first page of the same filter is the same records.

The deep page is reached the way a reader reaches it: the list's "next" link. Offset links
(``page=2``) are followed to ``page=N`` at once; any other next link (a keyset cursor) is
followed hop by hop, untimed, and the page reached is the one timed.
"""

from __future__ import annotations

import concurrent.futures
import functools
import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import requests
from timing import timed, timed_pair

REFERENCE = re.compile(r"/incidents/([0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{6,})/")
ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r'\bhref="([^"]*)"')
REL_NEXT = re.compile(r'\brel="next"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The page of a reader's exports, where an export is asked for when exports are background jobs.
EXPORTS = "/exports/"
# A request that runs past this is a failure of the product, not a slow figure.
TIMEOUT = 600


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    reader: str  # "national" or "province"
    path: str
    # "page": a register page (its references are compared with DuckDB's first page);
    # "report": a report page; "first_byte": time to the first byte of a download.
    kind: str
    # The DuckDB question answering the same thing (run.py ``duckdb_questions``), if any.
    duckdb: str | None


def questions(quarter: str, province: str, category: str, deep_page: int) -> list[Question]:
    filtered = f"/incidents/?place={province}&category={category}"
    return [
        Question("first_page", "Register, first page, national", "national", "/incidents/", "page", "first_page"),
        Question(
            "province_category",
            "Register, one province and one category",
            "province",
            filtered,
            "page",
            "province_category",
        ),
        Question("deep_page", f"Register, page {deep_page}, national", "national", "/incidents/", "deep", "deep_page"),
        Question(
            "drill_down",
            "Drill-down from a report figure (crimes reported in a quarter, national)",
            "national",
            # The link of the national report's "Crimes" row, "reported" column (reports/tables.py).
            f"/incidents/?period={quarter}&crime=true&status=counted",
            "page",
            "drill_down",
        ),
        Question(
            "province_report",
            "Provincial quarterly report page",
            "province",
            f"/reports/{province}/{quarter}/",
            "report",
            "province_report",
        ),
        Question(
            "national_report", "National quarterly report page", "national", f"/reports/KH/{quarter}/", "report", None
        ),
        Question(
            "national_map",
            "National map page (provinces, records reported in a quarter)",
            "national",
            f"/maps/KH/{quarter}/?indicator=reported",
            "report",
            None,
        ),
        Question(
            "export_first_byte",
            "Register export, one province and one category: first byte",
            "province",
            f"/incidents/export.csv?place={province}&category={category}",
            "first_byte",
            "province_category",
        ),
    ]


class Reader:
    """A signed-in browser: its session cookie, sent over plain HTTP with the proxy's
    ``X-Forwarded-Proto: https`` (production cookies are Secure; gunicorn sits behind a TLS
    proxy in production)."""

    def __init__(self, base: str, cookie: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.token = ""
        self.session.headers.update(
            {"Cookie": cookie, "X-Forwarded-Proto": "https", "Accept-Language": "en", "Referer": f"{base}/"}
        )

    def status(self, path: str) -> int:
        return self.session.get(self.base + path, timeout=TIMEOUT, allow_redirects=False).status_code

    def get(self, path: str) -> str:
        response = self.session.get(self.base + path, timeout=TIMEOUT, allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")
        return response.text

    def form_token(self, path: str) -> None:
        """Read the CSRF token of a page's form, and the CSRF cookie it sets (Secure, so the
        cookie jar would not send it over plain HTTP: it is added to the Cookie header)."""
        response = self.session.get(self.base + path, timeout=TIMEOUT, allow_redirects=False)
        found = CSRF_FIELD.search(response.text)
        if response.status_code != 200 or not found:
            raise RuntimeError(f"GET {path}: {response.status_code}, no form token")
        self.token = html.unescape(found.group(1))
        if "csrftoken" in response.cookies:
            self.session.headers["Cookie"] += f"; csrftoken={response.cookies['csrftoken']}"

    def post(self, path: str, data: dict[str, str]) -> int:
        """POST a form as the browser does (token, Origin); the answer must be a redirect."""
        headers = {"Origin": self.base.replace("http://", "https://")}
        response = self.session.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": self.token},
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        if response.status_code not in (302, 303):
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
        return response.status_code

    def first_byte(self, path: str) -> int:
        """Seconds to the first byte of the body are what the caller times; the rest of the
        body is not read (the connection is closed)."""
        with self.session.get(self.base + path, timeout=TIMEOUT, stream=True, allow_redirects=False) as response:
            if response.status_code not in (200, 202):
                raise RuntimeError(f"GET {path}: {response.status_code}")
            chunk = next(response.iter_content(chunk_size=1), b"")
            return len(chunk)


def references(page: str) -> list[str]:
    """The records a register page lists, in order."""
    return list(dict.fromkeys(REFERENCE.findall(page)))


def next_link(page: str) -> str | None:
    for anchor in ANCHOR.findall(page):
        if REL_NEXT.search(anchor) and (href := HREF.search(anchor)):
            return html.unescape(href.group(1))
    return None


def deep_path(reader: Reader, path: str, depth: int) -> tuple[str, str]:
    """The path of page ``depth`` of the list at ``path`` as its links reach it, and how."""
    link = next_link(reader.get(path))
    if link is None:
        raise RuntimeError(f"{path}: no next link on the first page")
    base = path.split("?", 1)[0]
    if re.search(r"[?&]page=2(&|$)", link):
        return base + re.sub(r"([?&])page=2(&|$)", rf"\g<1>page={depth}\g<2>", link), "offset link"
    hops = 1
    current = base + link if link.startswith("?") else link
    while hops < depth - 1:
        following = next_link(reader.get(current))
        if following is None:
            raise RuntimeError(f"the next links stop after {hops + 1} pages")
        current = base + following if following.startswith("?") else following
        hops += 1
    return current, f"next link followed {depth - 1} times"


def ask(kind: str, reader: Reader, path: str) -> Any:
    if kind == "export_job":
        return reader.post(path, {"format": "csv"})
    if kind == "first_byte":
        return reader.first_byte(path)
    if kind == "report":
        return len(reader.get(path))
    return references(reader.get(path))


def warm_workers(base: str, cookies: dict[str, str], workers: int) -> None:
    """Every gunicorn worker answers a signed-in register page once before anything is timed:
    a worker's first request loads the URLs, templates and catalogues (about 0.8 s), and which
    worker takes a request is the kernel's choice, so one warm-up request per question leaves
    the others cold. Many requests at once reach them all."""

    def register(cookie: str) -> str:
        return Reader(base, cookie).get("/incidents/")

    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(register, [cookie for cookie in cookies.values() for _ in range(4 * workers)]))


def measure(
    base: str,
    cookies: dict[str, str],
    asked: list[Question],
    runs: int,
    deep_page: int,
    duckdb: dict[str, Callable[[], Any]],
) -> dict[str, Any]:
    """Each question timed through HTTP, and DuckDB's answer to the same question (``duckdb``,
    by the question's ``duckdb`` code) timed run for run beside it (``timing.timed_pair``), as
    ``duckdb_timing``."""
    readers = {name: Reader(base, cookie) for name, cookie in cookies.items()}
    out: dict[str, Any] = {}
    for question in asked:
        reader = readers[question.reader]
        path = question.path
        entry: dict[str, Any] = {"path": path}
        if question.kind == "first_byte" and reader.status(EXPORTS) == 200:
            # Exports are background jobs: the wait is until the job is accepted (the answer
            # to the form, a redirect to its progress page).
            reader.form_token(EXPORTS)
            question = replace(question, kind="export_job", label=question.label.replace("first byte", "job accepted"))
            path = EXPORTS + "?" + path.split("?", 1)[1]
            entry.update(path=path, label=question.label)
        if question.kind == "deep":
            started = time.perf_counter()
            path, how = deep_path(reader, path, deep_page)
            entry.update(path=path, reached_by=how, reaching_seconds=time.perf_counter() - started)
        page = functools.partial(ask, question.kind, reader, path)
        if question.duckdb in duckdb:
            entry["timing"], entry["duckdb_timing"] = timed_pair(runs, page, duckdb[question.duckdb])
        else:
            entry["timing"] = timed(runs, page)
        if question.kind in ("page", "deep"):
            entry["references"] = entry["timing"].pop("value")
        out[question.code] = entry
    return out
