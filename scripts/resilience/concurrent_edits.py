"""Twenty officers change the same version of a record at the same instant: one wins.

Each run builds the scratch database of kill9.py (an SQLite file, or a PostgreSQL database
``sv_edits_drill``; the gazetteer, the policy, a commune police officer of 140305 with a
device token), serves it with gunicorn on 127.0.0.1 (production settings; by default 4
workers of 5 threads, so that all twenty requests reach the database together), and records
one incident through the API. Twenty clients then read it (version 1), open their
connections, wait at a barrier and send the same action based on version 1 at once: a note,
an acknowledgement or the start of an investigation (one per run, in turn).

Expected: exactly one 2xx and nineteen 409 (the version changed: nothing saved), the record
at version 2, one audit event for the action (one note for a note), the audit chain intact
and the summaries equal to the records. Prints the figures; exits non-zero otherwise.

    .venv/bin/python scripts/resilience/concurrent_edits.py --engine sqlite --runs 3
    .venv/bin/python scripts/resilience/concurrent_edits.py --engine postgresql --runs 3
"""

from __future__ import annotations

import argparse
import collections
import http.client
import io
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from kill9 import COMMUNE, HOST, SUBMIT, Scratch, Server, prepare, request, setup_django, submission

# The action of each run in turn: (URL segment, audit action, extra body).
ACTIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("note", "incident.add_note", {"text": "Drill: the same note from twenty phones at once."}),
    ("acknowledge", "incident.acknowledge", {}),
    ("investigate", "incident.start_investigation", {}),
]


def fire(
    port: int, path: str, body: bytes, key: str, request_id: str, barrier: threading.Barrier
) -> tuple[int, Any, float]:
    """Open the connection first, wait for the others, then send: the requests leave together.
    Each phone sends its own request id: the same body under one id (or under none) from the
    same account would be one request resent, answered as the first rather than refused."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {
        "Accept": "application/json",
        "Accept-Language": "en",
        "Content-Type": "application/json",
        "Authorization": f"Token {key}",
        "Idempotency-Key": request_id,
    }
    try:
        connection.connect()
        barrier.wait(timeout=60)
        started = time.monotonic()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = time.monotonic() - started
    finally:
        connection.close()
    return response.status, json.loads(data) if data else None, elapsed


def run_once(args: argparse.Namespace, scratch: Scratch, number: int) -> tuple[bool, str, dict[str, Any]]:
    from django.db import connection, connections

    from safevillage.audit.models import AuditEvent
    from safevillage.audit.verify import verify_chain
    from safevillage.incidents.models import Incident, Note
    from safevillage.places.models import Place
    from safevillage.reports.rebuild import differences

    segment, audit_action, extra = ACTIONS[(number - 1) % len(ACTIONS)]
    rng = random.Random(f"{args.seed}:{args.engine}:{number}")  # noqa: S311 — reproducible drill data
    scratch.reset()
    _, key = prepare(io.StringIO())
    villages = list(Place.objects.current().filter(code__startswith=COMMUNE, level=4).values_list("code", flat=True))
    connections.close_all()
    log_path = scratch.work / f"gunicorn-edits-run{number}.log"
    server = Server(scratch.url, log_path, workers=args.workers, extra=("--threads", str(args.threads)))
    server.start()
    failures: list[str] = []
    answers: list[tuple[int, Any, float]] = []
    errors: list[str] = []
    try:
        status, created = request(server.port, "POST", SUBMIT, json.dumps(submission(rng, villages, 0)).encode(), key)
        if status != 201:
            raise SystemExit(f"the record could not be made: HTTP {status} {created}")
        reference, version = created["reference"], created["version"]
        path = f"{SUBMIT}{reference}/{segment}/"
        body = json.dumps({"version": version, **extra}).encode()
        barrier = threading.Barrier(args.clients)
        lock = threading.Lock()

        def client(phone: int) -> None:
            try:
                answer = fire(server.port, path, body, key, f"drill-{number}-phone-{phone}", barrier)
            except Exception as exc:  # a client that got no answer is reported as a failure
                with lock:
                    errors.append(repr(exc))
                return
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=client, args=(phone,), daemon=True) for phone in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.stop()

    statuses = collections.Counter(status for status, _, _ in answers)
    successes = [answer for status, answer, _ in answers if 200 <= status < 300]
    conflicts = [answer for status, answer, _ in answers if status == 409]
    record = Incident.objects.get(reference=reference)
    events = AuditEvent.objects.filter(action=audit_action).count()
    notes = Note.objects.filter(incident=record).count()
    verdict = verify_chain()
    summary_differences = list(differences())
    connection.close()

    def fail_if(condition: bool, what: str) -> None:
        if condition:
            failures.append(what)

    fail_if(bool(errors), f"{len(errors)} clients got no answer: {errors[:3]}")
    fail_if(len(successes) != 1, f"{len(successes)} successes, not 1")
    fail_if(len(conflicts) != args.clients - 1, f"{len(conflicts)} conflicts (409), not {args.clients - 1}")
    fail_if(set(statuses) - {200, 409} != set(), f"other answers: {dict(statuses)}")
    fail_if(
        any("changed this record" not in str(answer.get("detail", "")) for answer in conflicts),
        "a 409 does not say the record changed",
    )
    fail_if(record.version != version + 1, f"the record is at version {record.version}, not {version + 1}")
    fail_if(events != 1, f"{events} {audit_action} audit events, not 1")
    fail_if(segment == "note" and notes != 1, f"{notes} notes, not 1")
    fail_if(bool(successes) and successes[0].get("version") != version + 1, "the success does not show the new version")
    fail_if(not verdict.intact, f"audit chain broken at #{verdict.broken_at}: {verdict.problem}")
    fail_if(bool(summary_differences), f"{len(summary_differences)} summary rows differ from the records")
    fail_if(bool(server.log_problems()), f"server log: {server.log_problems()[:3]}")

    slowest = max((elapsed for _, _, elapsed in answers), default=0.0)
    figures = {
        "run": number,
        "engine": args.engine,
        "action": segment,
        "clients": args.clients,
        "successes": len(successes),
        "conflicts": len(conflicts),
        "answers": dict(statuses),
        "version_after": record.version,
        "audit_events": events,
        "chain_intact": verdict.intact,
        "summaries_equal": not summary_differences,
        "slowest_answer_s": round(slowest, 2),
    }
    line = (
        f"run {number} ({args.engine}, {segment}): {args.clients} clients on version {version} -> "
        f"{len(successes)} success, {len(conflicts)} x 409, version now {record.version}, "
        f"{events} {audit_action} event, chain {'intact' if verdict.intact else 'BROKEN'}, "
        f"summaries {'equal' if not summary_differences else 'DIFFER'}; all answered within {slowest:.2f} s"
    )
    if failures:
        kept = Path(tempfile.gettempdir()) / f"sv-edits-{args.engine}-run{number}.log"
        if log_path.exists():
            shutil.copy(log_path, kept)
        line += "\n  FAIL " + "\n  FAIL ".join(failures) + f"\n  server log kept: {kept}"
    log_path.unlink(missing_ok=True)
    return not failures, line, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=5, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL superuser connection (creates and drops the scratch database)",
    )
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.admin_url).hostname not in (HOST, "localhost"):
        parser.error("the drill only runs against a PostgreSQL server on this machine")
    scratch = Scratch(args.engine, args.admin_url, "sv_edits_drill")
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
    print(json.dumps({"result": "pass" if passed else "fail", "runs": results}))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
