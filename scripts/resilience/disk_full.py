"""Fill a real disk under a running server and check what people get.

Run by disk_full.sh, which mounts a small tmpfs and passes its path. The database lives
there (SQLite: the database file; PostgreSQL: a tablespace holding the whole database, while
the server's own WAL stays on its usual disk), gunicorn serves it on 127.0.0.1, and an
officer who is signed in changes their password (a real atomic write with an audit event)
while the disk is full, then again once space is back. Prints the measurements and exits
non-zero if any expectation fails.

DEBUG is on only because the production static storage needs ``collectstatic`` first; the
disk-full answer comes from DiskFullMiddleware either way.
"""

from __future__ import annotations

import argparse
import errno
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess  # nosec B404 — runs manage.py and gunicorn from the virtualenv, no shell
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
USERNAME = "drill-officer"
PASSWORDS = ["first-Passw0rd-drill", "second-Passw0rd-drill", "third-Passw0rd-drill"]
DRILL_NAME = "sv_diskfull_drill"
# The start of the 503 page's explanation, in English and in Khmer (core/diskfull.py).
NO_SPACE_WORDS = ("run out of storage space", "ម៉ាស៊ីនមេអស់ទំហំផ្ទុក")

failures: list[str] = []


def expect(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], str, float]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # The drill's own server on 127.0.0.1, over http.
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310  # nosec B310
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as response:
                status, headers, text = response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, dict(error.headers), error.read().decode()
        return status, headers, text, (time.perf_counter() - started) * 1000

    def form_token(self, path: str) -> str:
        status, _, page, _ = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"{path}: no form to fill (HTTP {status})")
        return token.group(1)

    def post_form(
        self,
        path: str,
        fields: dict[str, str],
        token: str = "",  # nosec B107 — a CSRF token, fetched when not given
    ) -> tuple[int, dict[str, str], str, float]:
        return self.request(path, {"csrfmiddlewaretoken": token or self.form_token(path), **fields})


def manage(env: dict[str, str], *args: str) -> str:
    command = [PYTHON, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0 and args[0] != "verify_audit":
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def fill(directory: Path) -> int:
    """Write a filler file until the file system refuses; return the bytes written."""
    written = 0
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1 << 9):
            block = b"\0" * size
            while True:
                try:
                    written += os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
        os.fsync(fd)
    finally:
        os.close(fd)
    return written


def database_state(engine: str, database: str) -> tuple[str, int, str]:
    """An integrity verdict, the number of audit events, the officer's password hash."""
    query_events = "SELECT COUNT(*) FROM audit_auditevent"
    if engine == "sqlite":
        # With no (or an empty) -wal file the main file is the whole database; opening it as
        # immutable needs no -shm file, which a full disk would refuse to create.
        wal = Path(database + "-wal")
        immutable = "&immutable=1" if not wal.exists() or wal.stat().st_size == 0 else ""
        db = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro{immutable}", uri=True)
        try:
            check = str(db.execute("PRAGMA integrity_check").fetchone()[0])
            events = db.execute(query_events).fetchone()[0]
            password = db.execute("SELECT password FROM accounts_user WHERE username = ?", [USERNAME]).fetchone()[0]
        finally:
            db.close()
        return check, int(events), str(password)
    with psycopg.connect(database, autocommit=True) as pg:
        # PostgreSQL has no integrity_check: amcheck verifies every B-tree index (structure and
        # ordering) when the contrib module is installed.
        check = "ok"
        if pg.execute("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").fetchone():
            indexes = pg.execute(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE a.amname = 'btree' AND n.nspname = 'public'"
            ).fetchall()
            for (index,) in indexes:
                pg.execute("SELECT bt_index_check(%s::regclass, true)", [index])
            check = f"ok (amcheck: {len(indexes)} indexes)"
        else:
            check = "ok (amcheck not installed: indexes not checked)"
        events = pg.execute(query_events).fetchone()[0]
        password = pg.execute("SELECT password FROM accounts_user WHERE username = %s", [USERNAME]).fetchone()[0]
        return check, int(events), str(password)


def prepare_postgresql(directory: Path, admin_url: str) -> str:
    """A tablespace on the small file system and a database stored in it; returns its URL."""
    tablespace = directory / "pg"
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute(f"CREATE TABLESPACE {DRILL_NAME} LOCATION '{tablespace}'")
        pg.execute(f"CREATE DATABASE {DRILL_NAME} TABLESPACE {DRILL_NAME}")
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(admin_url)._replace(path=f"/{DRILL_NAME}"))
    with psycopg.connect(url, autocommit=True) as pg:
        try:
            pg.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except psycopg.Error as exc:
            print(f"amcheck unavailable ({exc}); PostgreSQL indexes will not be checked")
    return url


def drop_postgresql(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {DRILL_NAME} WITH (FORCE)")
        pg.execute(f"DROP TABLESPACE IF EXISTS {DRILL_NAME}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path, help="a small, empty file system (tmpfs) for the database")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--hold-open",
        action="store_true",
        help="SQLite: keep a connection open while the disk is full (as a long report or a backup would), "
        "so that the -wal/-shm files exist and the write itself is what fails",
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL superuser connection (to create the tablespace and database)",
    )
    args = parser.parse_args()
    directory: Path = args.directory
    engine: str = args.engine
    if engine == "sqlite":
        database = str(directory / "safevillage.sqlite3")
        database_url = f"sqlite:///{database}"
    else:
        database = database_url = prepare_postgresql(directory, args.admin_url)
    try:
        return drill(directory, engine, database, database_url, hold_open=args.hold_open)
    finally:
        if engine == "postgresql":
            (directory / "filler").unlink(missing_ok=True)
            drop_postgresql(args.admin_url)


def drill(directory: Path, engine: str, database: str, database_url: str, *, hold_open: bool) -> int:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORDS[0],
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    size = os.statvfs(directory).f_blocks * os.statvfs(directory).f_frsize
    print(f"{engine} database on {directory} ({size} bytes)")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createsuperuser", "--no-input", "--username", USERNAME, "--email", "drill@example.org")
    log_fd, log_name = tempfile.mkstemp(prefix="sv-diskfull-gunicorn-", suffix=".log")
    log = os.fdopen(log_fd, "w")
    # The project's own gunicorn, arguments fixed here.
    server = subprocess.Popen(  # noqa: S603  # nosec B603
        [GUNICORN, "safevillage.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    completed = False
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310  # nosec B310 — our own server
                break
            except OSError:
                time.sleep(0.1)
        officer = Browser(base)
        status, *_ = officer.post_form("/accounts/login/", {"username": USERNAME, "password": PASSWORDS[0]})
        expect(status == 302, f"the officer signs in before the disk fills (HTTP {status})")
        check, events_before, password_before = database_state(engine, database)

        # The form is fetched while there is space: on a full disk SQLite may refuse even reads.
        token = officer.form_token("/accounts/password/")
        holder = sqlite3.connect(database) if hold_open else None
        if holder is not None:
            holder.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
        filled = fill(directory)
        stat = os.statvfs(directory)
        print(f"disk filled: {filled} bytes of filler, {stat.f_bavail * stat.f_frsize} bytes left")
        print(f"  files beside the database: {sorted(p.name for p in directory.iterdir())}")
        status, headers, page, ms = officer.post_form(
            "/accounts/password/",
            {"old_password": PASSWORDS[0], "new_password1": PASSWORDS[1], "new_password2": PASSWORDS[1]},
            token,
        )
        print(f"password change on a full disk: HTTP {status} in {ms:.0f} ms, Retry-After {headers.get('Retry-After')}")
        expect(status == 503, "a write on the full disk answers 503")
        expect(headers.get("Retry-After") == "120", "with Retry-After: 120")
        # In the officer's language: Khmer by default, English when chosen.
        expect(any(words in page for words in NO_SPACE_WORDS), "and says why, in words")
        status, headers, _, _ = officer.request("/accounts/password/")
        print(f"a page that only reads, on the full disk: HTTP {status}")
        reads_refused = status == 503
        if engine == "sqlite":
            # WAL mode: a new connection must create its -shm file, which a full disk can refuse.
            expect(status == 200 or (reads_refused and "Retry-After" in headers), "reads work, or answer 503 too")
        else:
            expect(status == 200, "reads still work on the full disk")
        check, events, password = database_state(engine, database)
        expect(check.startswith("ok"), f"integrity check on the full disk: {check}")
        expect(events == events_before, f"no audit event was half-written ({events} events)")
        expect(password == password_before, "the password is unchanged")
        if reads_refused:
            print("  verify_audit cannot open the database either until space returns; it runs after recovery")
        else:
            verdict = manage(env, "verify_audit", "--json").strip()
            expect('"intact": true' in verdict, f"verify_audit on the full disk: {verdict}")

        (directory / "filler").unlink()
        if holder is not None:
            holder.close()
        print("space freed")
        status, _, _, ms = officer.post_form(
            "/accounts/password/",
            {"old_password": PASSWORDS[0], "new_password1": PASSWORDS[2], "new_password2": PASSWORDS[2]},
            token,
        )
        print(f"password change after space returned: HTTP {status} in {ms:.0f} ms")
        expect(status == 302, "the same write succeeds once space is back, without a restart")
        check, events, password = database_state(engine, database)
        expect(check.startswith("ok"), f"integrity check after recovery: {check}")
        expect(events == events_before + 1, f"the change left its audit event ({events} events)")
        expect(password != password_before, "the password changed")
        verdict = manage(env, "verify_audit", "--json").strip()
        expect('"intact": true' in verdict, f"verify_audit after recovery: {verdict}")
        warnings = [line for line in Path(log_name).read_text().splitlines() if "storage full" in line]
        expect(len(warnings) >= 1, f"warnings in the server log, one per refused request: {warnings}")
        completed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if failures or not completed:
            print(f"server log kept: {log_name}")
        else:
            os.unlink(log_name)
    print(json.dumps({"result": "pass" if not failures else "fail", "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
