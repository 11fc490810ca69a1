#!/usr/bin/env python3
"""SQL-injection scan of every parameter of the API with sqlmap, against a throwaway copy of
the application on 127.0.0.1.

    .venv/bin/python scripts/security/sqlmap_scan.py          (make security-scan)

1. A throwaway SQLite database in a temporary directory is migrated and seeded: the policy,
   a fragment of the gazetteer, a national secretariat officer and a commune police officer
   with device tokens, a few records and a public complaint with its receipt code.
2. The application is started with gunicorn on 127.0.0.1 (a free port) with the settings
   ``safevillage.settings_security_test``, which add one deliberately injectable control
   endpoint (tests/security/vulnerable_urls.py).
3. sqlmap (``--batch --level=2 --risk=1``, two threads, bounded time-based delay, time-outs
   and retries) is run against the control endpoint and against every operation of the
   OpenAPI schema: every query parameter, every path parameter (marked ``*``) and every field
   of the JSON bodies of POST operations, with the token of a caller who may use it.
4. The scan passes when the control endpoint is reported injectable (the scan can find an
   injection) and every real parameter is reported tested and not injectable. It prints
   "control: injectable; real parameters: N tested, 0 injectable" and exits 0; otherwise it
   says what went wrong and exits 1.

Only 127.0.0.1 is ever targeted. sqlmap's own output for each target is kept in the
temporary directory (printed at the end with --keep)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SETTINGS = "safevillage.settings_security_test"
CONTROL = "GET /security-control/places/"
SQLMAP_OPTIONS = [
    "--batch",
    "--level=2",
    "--risk=1",
    "--threads=2",
    "--time-sec=2",
    "--timeout=15",
    "--retries=1",
    "--disable-coloring",
    "--flush-session",
    "--skip-waf",
    # The API answers 4xx to most payloads; those answers are what is compared, not errors.
    "--ignore-code=400,401,403,404,405,409,429",
]
# sqlmap's verdicts, per parameter.
NOT_INJECTABLE = re.compile(r"parameter '([^']+)' does not seem to be injectable")
INJECTABLE = re.compile(r"parameter '([^']+)' (?:is vulnerable|appears to be .* injectable)")
IDENTIFIED = "sqlmap identified the following injection point"


# --- the seeded application (runs in a child process, with Django set up) -------------


def seed() -> None:
    """Migrate and seed the throwaway database; print the scan's targets as JSON."""
    import django

    django.setup()
    import io

    from django.core.management import call_command

    from safevillage.accounts.models import DeviceToken, RoleAssignment, User
    from safevillage.accounts.roles import Role
    from tests.conftest import make_places
    from tests.factories import closed, make_complaint, make_incident
    from tests.security.schema import api_schema, is_public, operations

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("load_policy", stdout=io.StringIO())
    make_places()

    def officer(username: str, role: str, place: str | None) -> str:
        from safevillage.places.models import Place

        user = User.objects.create_user(username=username, password=None)  # the token is the only way in
        RoleAssignment.objects.create(user=user, role=role, place=Place.objects.get(code=place) if place else None)
        return DeviceToken.issue(user, "sqlmap scan")[1]

    keys = {
        "national": officer("national", Role.NATIONAL_SECRETARIAT, None),
        "police": officer("sokha", Role.COMMUNE_POLICE, "140305"),
        "auditor": officer("auditor", Role.AUDITOR, None),
    }
    sokha = User.objects.get(username="sokha")
    fresh = make_incident(sokha)
    done = closed(make_incident(sokha, category="assault"), sokha)
    _complaint, receipt = make_complaint()

    samples = {
        # path parameters
        "reference": fresh.reference,
        "code": "14030501",
        "place_code": "140305",
        "period": "2026",
        # query parameters
        "place": "1403",
        "parent": "1403",
        "level": "3",
        "q": "Kansoam",
        "category": "theft",
        "status": "open",
        "channel": "in_person",
        "overdue": "true",
        "escalated": "true",
        "sort": "-reported",
        "live": "1",
        "limit": "10",
        "offset": "0",
        "target_type": "incidents.incident",
        "target_id": str(fresh.pk),
        "action": "incidents.incident.create",
        # body fields
        "uuid": "3f2b8c9e-1d4a-4e5f-8a7b-6c5d4e3f2a1b",
        "village": "14030501",
        "occurred_at": "2026-01-15T10:00:00+07:00",
        "description": "A motorbike was taken from the market at night.",
        "version": fresh.version,
        "outcome": "solved",
        "reason": "Entered twice.",
        "text": "Called the family.",
        "assignee": "sokha",
        "receipt": receipt,
        "name": "Scan Person",
        "phone": "012 345 678",
        "anonymous": False,
        "note": "The victim's family declined to press charges.",
        "arrests": 0,
        "public": False,
        "tags": ["family"],
        "people": [{"role": "victim", "sex": "female", "age_group": "adult", "name": "Scan Victim"}],
        "items": [
            {"kind": "drug", "drug_type": "methamphetamine", "quantity": "2.5", "unit": "g", "description": "In bags."}
        ],
        "latitude": None,
        "longitude": None,
        # Not empty: sqlmap marks only one of two neighbouring empty strings in JSON.
        "complainant_name": "Scan Complainant",
        "complainant_phone": "012 345 678",
        "clearance": "exceptional",
        "exceptional_reason": "B",
    }

    def sample(name: str, spec: dict[str, Any]) -> Any:
        """The sample value of a parameter; for one added since, a value of its type."""
        if name in samples:
            return samples[name]
        kind = spec.get("type") or spec.get("schema", {}).get("type")
        return {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}.get(str(kind), "1")

    caller = {
        "POST /api/v1/incidents/": "police",
        "POST /api/v1/incidents/{reference}/acknowledge/": "police",
        "POST /api/v1/incidents/{reference}/investigate/": "police",
        "POST /api/v1/incidents/{reference}/close/": "police",
        "GET /api/v1/audit/events/": "auditor",
        "GET /api/v1/audit/verify/": "auditor",
    }
    schema = api_schema()
    targets = []
    for label in operations():
        method, path = label.split(" ", 1)
        spec = schema["paths"][path][method.lower()]
        parameters = spec.get("parameters", [])
        # Path parameters are marked "*" for sqlmap, which then tests only marked places: the
        # query parameters of such a URL are marked too. sqlmap numbers marked places #1*, #2*…
        # in the order of the URL ("JSON #1*" when the request has a JSON body).
        url, tested = path, []
        for p in parameters:
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", f"{sample(p['name'], p)}*")
                tested.append(("path", p["name"], f"#{len(tested) + 1}*"))
        marked = bool(tested)
        query = [(p["name"], sample(p["name"], p)) for p in parameters if p["in"] == "query"]
        if query:
            url += "?" + "&".join(f"{name}={value}{'*' if marked else ''}" for name, value in query)
            tested += [("query", name, f"#{len(tested) + 1}*" if marked else name) for name, _value in query]
        body = None
        content = spec.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
            fields = schema["components"]["schemas"][ref]["properties"]
            body = {name: sample(name, field) for name, field in fields.items()}
            if label == "POST /api/v1/incidents/{reference}/reopen/":
                body["version"] = done.version
            tested = [(where, name, f"JSON {reported}" if marked else reported) for where, name, reported in tested]
            # sqlmap tests the scalar values and names each by its own key ('JSON role' in people).
            tested += [("JSON", key, f"JSON {key}") for key in sorted(scalar_keys(body))]
        if label == "POST /api/v1/incidents/{reference}/reopen/":
            url = url.replace(fresh.reference, done.reference)
        if not tested:
            continue  # nothing to inject into (e.g. the audit chain's verdict)
        key = None if is_public(label) else keys[caller.get(label, "national")]
        targets.append({"label": label, "method": method, "url": url, "body": body, "key": key, "tested": tested})
    targets.insert(
        0,
        {
            "label": CONTROL,
            "method": "GET",
            "url": "/security-control/places/?name=Kandal",
            "body": None,
            "key": None,
            "tested": [("query", "name", "name")],
        },
    )
    print(json.dumps(targets))


def scalar_keys(data: Any) -> set[str]:
    """The keys of the scalar values anywhere in a JSON body."""
    if isinstance(data, dict):
        return {k for k, v in data.items() if not isinstance(v, dict | list)}.union(
            *(scalar_keys(v) for v in data.values())
        )
    if isinstance(data, list):
        return set().union(*(scalar_keys(v) for v in data))
    return set()


# --- the scan ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the application stopped at start-up (exit {server.returncode})")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 (127.0.0.1 only)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise SystemExit("the application did not answer on " + base)


def scan(target: dict[str, Any], base: str, workdir: Path) -> tuple[set[str], set[str], str]:
    """Run sqlmap on one target; return the parameters reported not injectable, those
    reported injectable, and sqlmap's output."""
    url = base + target["url"]
    if not url.startswith(f"http://{HOST}:"):
        raise SystemExit(f"refusing to scan anything but {HOST}: {url}")
    command = ["sqlmap", "-u", url, *SQLMAP_OPTIONS, f"--output-dir={workdir / 'sqlmap'}"]
    headers = ["Accept-Language: en"]
    if target["key"]:
        headers.append(f"Authorization: Token {target['key']}")
    if target["body"] is not None:
        command += ["--data", json.dumps(target["body"]), "--method", target["method"]]
        headers.append("Content-Type: application/json")
    command.append("--headers=" + "\n".join(headers))
    result = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=workdir
    )
    output = result.stdout + result.stderr
    (workdir / (re.sub(r"\W+", "_", target["label"]).strip("_") + ".log")).write_text(output)
    clean = set(NOT_INJECTABLE.findall(output))
    injectable = set(INJECTABLE.findall(output))
    if IDENTIFIED in output and not injectable:
        injectable.add("(unnamed)")
    return clean, injectable, output


def server_errors(log: Path) -> list[str]:
    """The application's 500 answers during the scan, by path (the control endpoint's aside)."""
    paths = re.findall(r"Internal Server Error: (\S+)", log.read_text(errors="replace"))
    return sorted({path for path in paths if not path.startswith("/security-control/")})


class ScratchPostgres:
    """A database of its own on a PostgreSQL server, dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        import dj_database_url

        self.settings = dj_database_url.parse(server_url)
        self.name = f"safevillage_sqlmap_{os.getpid()}"
        self.url = server_url.rsplit("/", 1)[0] + "/" + self.name

    def _run(self, statement: str) -> None:
        import psycopg

        s = self.settings
        with psycopg.connect(
            host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"], dbname=s["NAME"]
        ) as connection:
            connection.autocommit = True
            connection.execute(statement)

    def create(self) -> None:
        self._run(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, sqlmap logs)")
    parser.add_argument("--only", default="", help="scan only operations whose label contains this text")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="scan with a scratch database on this PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres, "
        "for one) instead of SQLite; the scan creates the database and drops it",
    )
    args = parser.parse_args()
    if args.seed:
        seed()
        return 0
    if shutil.which("sqlmap") is None:
        print("sqlmap is not installed (Debian: apt-get install sqlmap)", file=sys.stderr)
        return 1

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="safevillage-sqlmap-"))
    scratch = ScratchPostgres(args.postgres) if args.postgres else None
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),  # sqlmap keeps its state under $HOME: in the throwaway directory
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": scratch.url if scratch else f"sqlite:///{workdir / 'scan.sqlite3'}",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }
    problems: list[str] = []
    real_tested = real_injectable = 0
    control_injectable = False
    if scratch:
        scratch.create()
    try:
        seeded = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--seed"], env=env, cwd=PROJECT, capture_output=True, text=True, check=False
        )
        if seeded.returncode != 0:
            print(seeded.stdout + seeded.stderr, file=sys.stderr)
            return 1
        targets = json.loads(seeded.stdout.strip().splitlines()[-1])
        if args.only:
            targets = [t for t in targets if t["label"] == CONTROL or args.only in t["label"]]

        port = free_port()
        base = f"http://{HOST}:{port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(workdir / "server.log", "w") as log:
            server = subprocess.Popen(  # noqa: S603
                [gunicorn, "safevillage.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2", "--log-level", "warning"],
                env=env,
                cwd=PROJECT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            try:
                wait_until_up(base, server)
                for target in targets:
                    began = time.monotonic()
                    clean, injectable, _output = scan(target, base, workdir)
                    took = time.monotonic() - began
                    if target["label"] == CONTROL:
                        control_injectable = "name" in injectable
                        verdict = "injectable" if control_injectable else "NOT injectable"
                        print(f"{target['label']} (control): {verdict} ({took:.0f} s)")
                        continue
                    expected = target["tested"]  # [where, name, sqlmap's name for it]
                    reported = clean | injectable
                    untested = [f"{where} {name}" for where, name, as_named in expected if as_named not in reported]
                    real_tested += len(expected) - len(untested)
                    real_injectable += len(injectable)
                    verdict = "INJECTABLE: " + ", ".join(sorted(injectable)) if injectable else "not injectable"
                    print(f"{target['label']}: {len(expected)} parameters, {verdict} ({took:.0f} s)")
                    if injectable:
                        problems.append(f"{target['label']}: injectable {sorted(injectable)}")
                    if untested:
                        problems.append(f"{target['label']}: sqlmap did not report on {untested}")
            finally:
                server.terminate()
                server.wait(timeout=30)
        if errors := server_errors(workdir / "server.log"):
            problems.append(f"the application answered 500 to scan requests on {errors} (see server.log)")
    finally:
        if scratch:
            scratch.drop()

    minutes = (time.monotonic() - started) / 60
    control = "injectable" if control_injectable else "NOT injectable"
    print(f"control: {control}; real parameters: {real_tested} tested, {real_injectable} injectable")
    print(f"database: {'PostgreSQL' if scratch else 'SQLite'}; scan time: {minutes:.1f} min")
    if not control_injectable:
        problems.append("the control endpoint was not reported injectable: the scan proves nothing")
    for problem in problems:
        print("FAILED: " + problem, file=sys.stderr)
    if args.keep or problems:
        print(f"sqlmap logs and the server's log: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
