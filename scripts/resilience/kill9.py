"""Kill the server with SIGKILL while field devices submit, and prove nothing acknowledged is lost.

Each run builds a scratch database (an SQLite file in a temporary directory, or a PostgreSQL
database ``sv_kill9_drill`` created through the admin URL; never the configured one): the
migrations, the whole gazetteer (``load_gazetteer``), the policy (``load_policy``) and a
commune police officer of Kansaom Ak (140305) with a device token. gunicorn serves it on
127.0.0.1 in its own process group, with the production settings (DEBUG off).

``--clients`` threads then send ``--submissions`` records to ``POST /api/v1/incidents/``,
each under its own device ``uuid`` (drawn from a seeded generator, so a run can be repeated).
When a seeded share of them (10 to 80 %) has been sent, the whole process group — master and
workers — gets SIGKILL at once, in the middle of requests, and gunicorn is started again
(``--kills`` such moments per run, one by default). Every submission that got no answer
(connection reset or refused, timeout) is sent again, with the same uuid and the same bytes,
until it is answered (bounded retries with back-off), as a field app does. A 2xx answer is an
acknowledgement: the device forgets the record.

Then, from the database: every acknowledged uuid has exactly one record (its creator and
uuid), the records are as many as the distinct uuids sent (no duplicate), every answered
reference is the stored record's, references run 1..N without a gap, there is one
``incident.create`` audit event per record, the audit chain verifies, the summaries equal the
records (``reports.rebuild.differences``), and SQLite's ``PRAGMA integrity_check`` says ok.
Any failure makes the exit status non-zero.

    .venv/bin/python scripts/resilience/kill9.py --engine sqlite --runs 3
    .venv/bin/python scripts/resilience/kill9.py --engine postgresql --runs 3 --seed 7

The scratch database, the server and its log exist only for the run (the log is kept, and
its path printed, when the run fails). Only ever 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404 — runs the virtualenv's gunicorn, fixed arguments, no shell
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
COMMUNE = "140305"  # Kansaom Ak, Kampong Trabaek, Prey Veng (MEF gazetteer)
OFFICER = "drill-commune-police"
SUBMIT = "/api/v1/incidents/"
# Categories a commune officer records; a traffic accident always carries its casualties.
CATEGORIES = ["theft", "snatching", "robbery", "burglary", "assault", "gang_activity", "traffic_accident", "other"]


# --- the scratch database and the server (also used by concurrent_edits.py) ---------------


class Scratch:
    """A database of one's own for a drill: an SQLite file or a PostgreSQL database."""

    def __init__(self, engine: str, admin_url: str, name: str) -> None:
        self.engine = engine
        self.admin_url = admin_url
        self.name = name
        self.work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        if engine == "sqlite":
            self.path = self.work / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.url = urllib.parse.urlunsplit(urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}"))

    def reset(self) -> None:
        """An empty database (dropping what a previous run left)."""
        from django.db import connections

        connections.close_all()
        if self.engine == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            self._pg(create=True)

    def remove(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.engine == "postgresql":
            self._pg(create=False)
        shutil.rmtree(self.work, ignore_errors=True)

    def _pg(self, *, create: bool) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            if create:
                pg.execute(f'CREATE DATABASE "{self.name}"')


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) on 127.0.0.1 over plain HTTP."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "safevillage.settings",
    }


def setup_django(database_url: str) -> None:
    """This process reads and checks the scratch database with the project's own code."""
    os.environ.update(server_environment(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(quiet: Any) -> tuple[Any, str]:
    """Migrate, load the gazetteer and the policy, and make the commune officer with a device
    token. Returns the officer and the token's key."""
    from django.core.management import call_command
    from django.db import connections

    from safevillage.accounts.models import DeviceToken, RoleAssignment, User
    from safevillage.accounts.roles import Role
    from safevillage.places.models import Place

    call_command("migrate", "--no-input", verbosity=0, stdout=quiet)
    call_command("load_gazetteer", "--no-progress", stdout=quiet, stderr=quiet)
    call_command("load_policy", stdout=quiet)
    officer = User.objects.create_user(username=OFFICER, password=secrets.token_urlsafe(16), full_name="Drill Officer")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_POLICE, place=Place.objects.get(code=COMMUNE))
    _, key = DeviceToken.issue(officer, "drill phone")
    connections.close_all()
    return officer, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on 127.0.0.1, in a process group of its own so that one signal reaches the
    master and every worker at the same instant."""

    def __init__(self, database_url: str, log_path: Path, *, workers: int, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.env = {**os.environ, **server_environment(database_url)}
        self.log_path = log_path
        self.command = [GUNICORN, "safevillage.wsgi", "-w", str(workers), "-b", f"{HOST}:{self.port}", *extra]
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, ready_within: float = 90.0) -> float:
        """Start and wait until /healthz answers; returns the seconds it took."""
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            # The virtualenv's gunicorn with fixed arguments; start_new_session: its own group.
            self.process = subprocess.Popen(  # noqa: S603  # nosec B603
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        while time.monotonic() - started < ready_within:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; log: {self.log_path}")
            try:
                status, _ = request(self.port, "GET", "/healthz", timeout=5)
                if status == 200:
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within {ready_within:.0f} s; log: {self.log_path}")

    def kill(self) -> None:
        """SIGKILL to the whole group: master and workers die mid-request, nothing runs after."""
        if self.process is None:
            raise RuntimeError("the server was not started")
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # The workers were killed by the same signal; let their sockets go before restarting.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_problems(self) -> list[str]:
        """Lines of the server log that point at a bug (a traceback, a worker timeout)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or "WORKER TIMEOUT" in line]


def request(
    port: int, method: str, path: str, body: bytes | None = None, key: str = "", timeout: float = 30.0
) -> tuple[int, Any]:
    """One HTTP request on a fresh connection (gunicorn's sync workers close after each
    answer). Raises OSError or HTTPException when no complete answer came back."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Authorization"] = f"Token {key}"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(data) if data else None
    except ValueError:
        return response.status, data.decode(errors="replace")[:500]


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def submission(rng: random.Random, villages: list[str], number: int) -> dict[str, Any]:
    """A record as a field app sends it, drawn from ``rng``."""
    category = rng.choice(CATEGORIES)
    occurred = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
    body: dict[str, Any] = {
        "uuid": new_uuid(rng),
        "category": category,
        "village": rng.choice(villages),
        "occurred_at": occurred.replace(microsecond=0).isoformat(),
        "description": f"Drill submission {number}: ម៉ូតូមួយត្រូវបានលួចនៅផ្សារ ({rng.randrange(10**6)}).",
        "deaths": 0,
        "injuries": rng.choice([0, 0, 1, 2]) if category in ("traffic_accident", "assault") else 0,
    }
    if rng.random() < 0.5:
        body["people"] = [
            {"role": rng.choice(["victim", "suspect", "witness"]), "sex": rng.choice(["male", "female"]),
             "age_group": rng.choice(["adult", "youth", "older"])}
        ]  # fmt: skip
    if category in ("theft", "snatching", "robbery") and rng.random() < 0.5:
        body["items"] = [{"kind": "vehicle", "quantity": "1", "unit": "item", "description": "Honda Dream"}]
    return body


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw, shared between their threads (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: int = 0
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)  # uuid -> first answer
    acknowledged: dict[str, str] = field(default_factory=dict)  # uuid -> reference answered
    retried: set[str] = field(default_factory=set)  # uuids sent more than once
    unanswered: list[str] = field(default_factory=list)  # gave up: no answer within the bounds
    server_errors: collections.Counter[int] = field(default_factory=collections.Counter)
    transport_errors: collections.Counter[str] = field(default_factory=collections.Counter)


@dataclass
class KillRecord:
    at_started: int = 0
    acknowledged_before: int = 0
    in_flight: int = 0
    restart_s: float = 0.0
    error: str = ""


def run_once(args: argparse.Namespace, scratch: Scratch, number: int) -> tuple[bool, str, dict[str, Any]]:
    import io

    rng = random.Random(f"{args.seed}:{args.engine}:{number}")  # noqa: S311 — reproducible drill data, not secrets
    scratch.reset()
    setup_started = time.monotonic()
    officer, key = prepare(io.StringIO())
    from safevillage.places.models import Place

    villages = list(Place.objects.current().filter(code__startswith=COMMUNE, level=4).values_list("code", flat=True))
    from django.db import connections

    connections.close_all()
    bodies = [submission(rng, villages, i) for i in range(args.submissions)]
    payloads = [json.dumps(body, ensure_ascii=False).encode() for body in bodies]
    # The moments of the kills: submissions (counted as they are sent) between 10 and 80 %.
    window = range(max(1, args.submissions // 10), max(1, args.submissions * 8 // 10) + 1)
    kill_points = sorted(rng.sample(window, min(args.kills, len(window))))
    setup_s = time.monotonic() - setup_started

    log_path = scratch.work / f"gunicorn-run{number}.log"
    server = Server(scratch.url, log_path, workers=args.workers)
    server.start()
    tally = Tally()
    kills: list[KillRecord] = []
    moments: queue.Queue[int | None] = queue.Queue()
    deadline = time.monotonic() + args.run_timeout
    pending = iter(range(args.submissions))
    pending_lock = threading.Lock()

    def killer() -> None:
        # A moment reached while the server is still restarting is taken right after.
        while moments.get() is not None:
            kill = KillRecord()
            kills.append(kill)
            try:
                with tally.lock:
                    kill.at_started = tally.started
                    kill.acknowledged_before = len(tally.acknowledged)
                    kill.in_flight = tally.started - len(tally.answers) - len(tally.unanswered)
                server.kill()
                time.sleep(args.down_s)  # clients meet refused connections meanwhile
                kill.restart_s = server.start()
            except BaseException as exc:  # reported as a failure of the run
                kill.error = repr(exc)
                return

    def client() -> None:
        while time.monotonic() < deadline:
            with pending_lock:
                index = next(pending, None)
            if index is None:
                return
            uid = bodies[index]["uuid"]
            with tally.lock:
                tally.started += 1
                if tally.started in kill_points:
                    moments.put(tally.started)
            send(uid, payloads[index])

    def send(uid: str, payload: bytes) -> None:
        for attempt in range(args.max_attempts):
            if attempt:
                with tally.lock:
                    tally.retried.add(uid)
                time.sleep(min(2.0, 0.1 * 2**attempt) * (0.5 + rng_jitter.random()))
            if time.monotonic() > deadline:
                break
            try:
                status, answer = request(server.port, "POST", SUBMIT, payload, key, timeout=args.request_timeout)
            except (OSError, http.client.HTTPException) as exc:
                with tally.lock:
                    tally.transport_errors[type(exc).__name__] += 1
                continue
            if status >= 500:  # a server error is a bug to report; the device would retry it
                with tally.lock:
                    tally.server_errors[status] += 1
                continue
            with tally.lock:
                tally.answers[uid] = (status, answer)
                if 200 <= status < 300 and isinstance(answer, dict):
                    tally.acknowledged[uid] = str(answer.get("reference"))
            return
        with tally.lock:
            tally.unanswered.append(uid)

    rng_jitter = random.Random(rng.random())  # noqa: S311 — back-off jitter
    started = time.monotonic()
    killer_thread = threading.Thread(target=killer, daemon=True)
    killer_thread.start()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + args.request_timeout + 5))
    moments.put(None)  # a run too short to reach a moment still ends (and fails: too few kills)
    killer_thread.join(timeout=120)
    elapsed = time.monotonic() - started
    server.stop()

    ok, line, figures = check(args, number, officer, bodies, tally, kills, server, elapsed, setup_s)
    if ok:
        log_path.unlink(missing_ok=True)
    else:
        kept = Path(tempfile.gettempdir()) / f"sv-kill9-{args.engine}-run{number}.log"
        if log_path.exists():
            shutil.copy(log_path, kept)
            line += f"\n  server log kept: {kept}"
    return ok, line, figures


def check(
    args: argparse.Namespace,
    number: int,
    officer: Any,
    bodies: list[dict[str, Any]],
    tally: Tally,
    kills: list[KillRecord],
    server: Server,
    elapsed: float,
    setup_s: float,
) -> tuple[bool, str, dict[str, Any]]:
    from django.db import connection

    from safevillage.audit.models import AuditEvent
    from safevillage.audit.verify import verify_chain
    from safevillage.incidents.models import Incident
    from safevillage.reports.rebuild import differences

    failures: list[str] = []
    sent = {body["uuid"] for body in bodies}
    stored: dict[str, list[str]] = collections.defaultdict(list)
    for client_uuid, reference in Incident.objects.filter(created_by=officer).values_list("client_uuid", "reference"):
        stored[str(client_uuid)].append(reference)
    records = Incident.objects.count()
    lost = [u for u in tally.acknowledged if u not in stored]
    duplicates = records - len(stored) + sum(len(refs) - 1 for refs in stored.values())
    strays = [u for u in stored if u not in sent]
    mismatched = [u for u, ref in tally.acknowledged.items() if u in stored and stored[u] != [ref]]
    refused = collections.Counter(status for status, _ in tally.answers.values() if not 200 <= status < 300)
    numbers = sorted(int(ref[-6:]) for refs in stored.values() for ref in refs)
    gapless = numbers == list(range(1, len(numbers) + 1))
    creates = AuditEvent.objects.filter(action="incident.create").count()
    verdict = verify_chain()
    summary_differences = list(differences())
    integrity = "n/a"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = str(cursor.fetchone()[0])
    log_problems = server.log_problems()
    connection.close()

    def fail_if(condition: bool, what: str) -> None:
        if condition:
            failures.append(what)

    errors = [kill.error for kill in kills if kill.error]
    fail_if(bool(errors), f"a kill or a restart failed: {errors}")
    fail_if(len(kills) != args.kills, f"{len(kills)} kills, not {args.kills} (the run ended before a chosen moment)")
    fail_if(server.starts != len(kills) + 1, f"the server started {server.starts} times for {len(kills)} kills")
    fail_if(bool(lost), f"{len(lost)} acknowledged submissions have no record: {lost[:5]}")
    fail_if(duplicates != 0, f"{duplicates} duplicate records")
    fail_if(bool(strays), f"{len(strays)} records under a uuid never sent")
    fail_if(bool(mismatched), f"{len(mismatched)} answered references differ from the stored record: {mismatched[:5]}")
    fail_if(bool(tally.unanswered), f"{len(tally.unanswered)} submissions never answered within the bounds")
    fail_if(bool(refused), f"answers other than 2xx: {dict(refused)}")
    fail_if(bool(tally.server_errors), f"server errors: {dict(tally.server_errors)}")
    fail_if(len(tally.acknowledged) != len(bodies), f"{len(bodies) - len(tally.acknowledged)} never acknowledged")
    fail_if(records != len(sent), f"{records} records for {len(sent)} distinct uuids")
    fail_if(not gapless, "the references do not run 1..N without a gap")
    fail_if(creates != records, f"{creates} incident.create audit events for {records} records")
    fail_if(not verdict.intact, f"audit chain broken at #{verdict.broken_at}: {verdict.problem}")
    fail_if(bool(summary_differences), f"{len(summary_differences)} summary rows differ from the records")
    fail_if(integrity not in ("ok", "n/a"), f"PRAGMA integrity_check: {integrity}")
    fail_if(bool(log_problems), f"server log: {log_problems[:3]}")

    first_answers = collections.Counter(status for status, _ in tally.answers.values())
    figures = {
        "run": number,
        "engine": args.engine,
        "sent": len(bodies),
        "acknowledged_before_first_kill": kills[0].acknowledged_before if kills else None,
        "killed_at": [kill.at_started for kill in kills],
        "in_flight_at_kill": [kill.in_flight for kill in kills],
        "restart_s": [round(kill.restart_s, 1) for kill in kills],
        "retried": len(tally.retried),
        "answered_201": first_answers.get(201, 0),
        "answered_200_on_retry": first_answers.get(200, 0),
        "transport_errors": dict(tally.transport_errors),
        "records": records,
        "lost": len(lost),
        "duplicates": duplicates,
        "audit_events": verdict.events,
        "chain_intact": verdict.intact,
        "summaries_equal": not summary_differences,
        "integrity_check": integrity,
        "setup_s": round(setup_s, 1),
        "submissions_s": round(elapsed, 1),
    }
    line = (
        f"run {number} ({args.engine}): sent {len(bodies)}, acknowledged "
        f"{figures['acknowledged_before_first_kill']} before the {'first ' if len(kills) > 1 else ''}kill, "
        f"killed at {', '.join(str(k.at_started) for k in kills) or 'never'} "
        f"({', '.join(str(k.in_flight) for k in kills)} in flight), retried {len(tally.retried)} "
        f"({figures['answered_200_on_retry']} already saved: 200 with the original), records {records}, "
        f"lost {len(lost)}, duplicates {duplicates}, "
        f"chain {'intact' if verdict.intact else 'BROKEN'} ({verdict.events} events), "
        f"summaries {'equal' if not summary_differences else 'DIFFER'}"
        + (f", integrity_check {integrity}" if integrity != "n/a" else "")
        + f"; {elapsed:.0f} s, restart {', '.join(f'{k.restart_s:.1f}' for k in kills)} s"
    )
    if failures:
        line += "\n  FAIL " + "\n  FAIL ".join(failures)
    return not failures, line, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--kills", type=int, default=1, help="SIGKILLs per run, each at its own random moment")
    parser.add_argument("--max-attempts", type=int, default=40, help="sends of one submission at most")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="seconds to wait for one answer")
    parser.add_argument("--down-s", type=float, default=1.0, help="seconds the server stays dead")
    parser.add_argument("--run-timeout", type=float, default=240.0, help="seconds for a run's submissions")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL superuser connection (creates and drops the scratch database)",
    )
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.admin_url).hostname not in (HOST, "localhost"):
        parser.error("the drill only runs against a PostgreSQL server on this machine")
    scratch = Scratch(args.engine, args.admin_url, "sv_kill9_drill")
    setup_django(scratch.url)
    results: list[dict[str, Any]] = []
    passed = True
    try:
        for number in range(1, args.runs + 1):
            ok, line, figures = run_once(args, scratch, number)
            print(line, flush=True)
            results.append(figures)
            passed = passed and ok
    finally:
        scratch.remove()
    print(json.dumps({"result": "pass" if passed else "fail", "runs": results}, ensure_ascii=False))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
