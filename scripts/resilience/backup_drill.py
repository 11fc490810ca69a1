"""Backup and restore drill on a scratch database of national size, with the figures.

Builds a scratch database (SQLite file or PostgreSQL database, never the configured one):
the whole gazetteer (``load_gazetteer``) and ``--events`` audit events. Then, while an officer
goes on writing audited changes in another thread, ``manage.py backup`` runs; the backup is
restored into a second scratch database with ``manage.py restore``, which verifies row counts,
the chain head and the whole chain against the manifest. A copy with one damaged byte must be
refused. Prints what it measured and exits non-zero if anything does not hold.

    .venv/bin/python scripts/resilience/backup_drill.py --engine sqlite --events 100000
    .venv/bin/python scripts/resilience/backup_drill.py --engine postgresql
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DRILL_DB = "sv_backup_drill"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--events", type=int, default=100_000, help="audit events to create before the backup")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL superuser connection (creates and drops the scratch databases)",
    )
    return parser.parse_args()


def pg_url(admin_url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}"))


def pg_recreate(admin_url: str, *names: str, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as pg:
        for name in names:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                pg.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="sv-backup-drill-"))
    if args.engine == "sqlite":
        source_url = f"sqlite:///{work / 'source.sqlite3'}"
        target_url = f"sqlite:///{work / 'restored.sqlite3'}"
    else:
        pg_recreate(args.admin_url, DRILL_DB, f"{DRILL_DB}_restore")
        source_url = pg_url(args.admin_url, DRILL_DB)
        target_url = pg_url(args.admin_url, f"{DRILL_DB}_restore")
    os.environ.update({"DATABASE_URL": source_url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "safevillage.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        return drill(args, work, target_url)
    finally:
        from django.db import connections

        connections.close_all()
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
        if args.engine == "postgresql":
            pg_recreate(args.admin_url, DRILL_DB, f"{DRILL_DB}_restore", create=False)


def drill(args: argparse.Namespace, work: Path, target_url: str) -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import close_old_connections, connection, transaction

    from safevillage.audit.log import record_event
    from safevillage.core.backup import read_manifest
    from safevillage.places.models import Place

    failures: list[str] = []
    figures: dict[str, Any] = {"engine": args.engine}

    def timed(label: str, func: Any, *a: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        result = func(*a, **kw)
        figures[label] = round(time.perf_counter() - started, 2)
        return result

    quiet = io.StringIO()
    call_command("migrate", "--no-input", verbosity=0, stdout=quiet)
    timed("load_gazetteer_s", call_command, "load_gazetteer", "--no-progress", stdout=quiet, stderr=quiet)
    villages = list(Place.objects.filter(level=4).values_list("pk", "code")[:2000])
    if not villages:
        raise SystemExit("load_gazetteer loaded no villages")
    figures["places"] = Place.objects.count()

    def make_events(count: int) -> None:
        batch = 500
        for start in range(0, count, batch):
            with transaction.atomic():
                for i in range(start, min(start + batch, count)):
                    code = villages[i % len(villages)][1]
                    record_event(
                        "incidents.incident.update",
                        actor=None,
                        target_type="incidents.incident",
                        target_id=str(i),
                        target_label=f"DRILL-{i:07d}",
                        place_code=code,
                        old={"status": "open"},
                        new={"status": "investigating", "note": "ការស៊ើបអង្កេត"},
                    )

    timed("create_events_s", make_events, args.events)

    # An officer keeps writing while the backup runs: the backup must not care.
    stop = threading.Event()
    written_during = [0]

    def officer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    code = villages[written_during[0] % len(villages)][1]
                    record_event(
                        "incidents.incident.update", actor=None, target_type="x", target_id="1", place_code=code
                    )
                written_during[0] += 1
        finally:
            close_old_connections()
            connection.close()

    writer = threading.Thread(target=officer)
    writer.start()
    time.sleep(0.5)
    before = written_during[0]
    backup_path = work / f"drill.{'sqlite3' if args.engine == 'sqlite' else 'dump'}"
    try:
        timed("backup_s", call_command, "backup", output=backup_path, stdout=quiet)
    finally:
        stop.set()
        writer.join()
    figures["writes_by_officer_during_backup"] = written_during[0] - before
    manifest = read_manifest(backup_path)
    figures["rows_in_backup"] = sum(manifest.tables.values())
    figures["audit_events_in_backup"] = manifest.tables["audit_auditevent"]
    figures["backup_bytes"] = manifest.size_bytes
    if args.engine == "sqlite":
        figures["database_bytes"] = Path(connection.settings_dict["NAME"]).stat().st_size
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            figures["database_bytes"] = cursor.fetchone()[0]

    report = io.StringIO()
    try:
        timed(
            "restore_and_verify_s",
            call_command,
            "restore",
            backup_path,
            yes=True,
            database_url=target_url,
            stdout=report,
        )
    except CommandError as exc:
        failures.append(f"restore: {exc}")
    if "restore verified: the database matches the backup" not in report.getvalue():
        failures.append("the restore report does not say verified")
    print("\n".join(report.getvalue().splitlines()[-3:]))

    damaged = work / f"damaged{backup_path.suffix}"
    data = bytearray(backup_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    (work / f"{damaged.name}.manifest.json").write_text((work / f"{backup_path.name}.manifest.json").read_text())
    try:
        call_command("restore", damaged, yes=True, database_url=target_url, stdout=quiet)
        failures.append("a damaged backup was restored")
    except CommandError as exc:
        figures["damaged_copy"] = "refused" if "SHA-256" in str(exc) else f"refused for another reason: {exc}"

    for key, value in figures.items():
        print(f"  {key}: {value}")
    print(json.dumps({"result": "pass" if not failures else "fail", "failures": failures, "figures": figures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
