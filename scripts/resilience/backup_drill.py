"""Backup and restore drill on a scratch database of national size, with the figures.

Builds a scratch database (SQLite file or PostgreSQL database, never the configured one):
the whole gazetteer (``load_gazetteer``) and ``--events`` audit events. Then, while an officer
goes on writing audited changes in another thread, ``manage.py backup`` runs; the backup is
restored into a second scratch database with ``manage.py restore``, which verifies row counts,
the chain head and the whole chain against the manifest. That database then plays the live one:
bad backups must be refused and leave it exactly as it was (its digest of every row of every
table, and on SQLite its file's SHA-256, unchanged after each): a copy with one damaged byte
under the original manifest, and, each with a manifest made to match it, an empty file, an
earlier (truncated but consistent) backup claiming the later counts, the same with the counts
rewritten too, another product's database, and a backup with a block in its middle overwritten;
on PostgreSQL also a sound backup while a connection still holds the live database. Prints what
it measured and exits non-zero if anything does not hold.

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


def pg_drop_like(admin_url: str, prefix: str) -> None:
    """Drop every database whose name starts with ``prefix`` (scratch and replaced ones)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as pg:
        names = [
            row[0] for row in pg.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix])
        ]
        for name in names:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
            pg_drop_like(args.admin_url, DRILL_DB)


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

    def make_events(first: int, count: int) -> None:
        batch = 500
        for start in range(first, first + count, batch):
            with transaction.atomic():
                for i in range(start, min(start + batch, first + count)):
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

    # A backup with half the events: the truncated-but-consistent candidate further down.
    half = args.events // 2
    timed("create_events_s", make_events, 0, half)
    early_path = work / f"early.{'sqlite3' if args.engine == 'sqlite' else 'dump'}"
    call_command("backup", output=early_path, stdout=quiet)
    timed("create_more_events_s", make_events, half, args.events - half)
    figures["create_events_s"] = round(figures["create_events_s"] + figures.pop("create_more_events_s"), 2)

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

    live_before = fingerprint(args.engine, target_url)
    bad = bad_backups(args, work, backup_path, early_path)
    refusals: dict[str, str] = {}
    for kind, path in bad.items():
        started = time.perf_counter()
        said = io.StringIO()
        try:
            call_command("restore", path, yes=True, database_url=target_url, stdout=said)
            failures.append(f"{kind}: restored")
            refusals[kind] = "RESTORED"
        except CommandError as exc:
            refusals[kind] = f"refused in {time.perf_counter() - started:.1f} s: {str(exc).split(': ', 1)[-1][:110]}"
            differences = [line.split(":")[0].strip() for line in said.getvalue().splitlines() if "DIFF" in line]
            if differences:
                refusals[kind] += f" [{', '.join(differences[:4])}{', …' if len(differences) > 4 else ''}]"
        if fingerprint(args.engine, target_url) != live_before:
            failures.append(f"{kind}: the live database changed")
            refusals[kind] += "; LIVE DATABASE CHANGED"
        else:
            refusals[kind] += "; live unchanged"
    if args.engine == "postgresql":
        refusals["sound backup, live database in use"] = refused_while_in_use(target_url, backup_path, live_before)
        if "live unchanged" not in refusals["sound backup, live database in use"]:
            failures.append("sound backup, live database in use: " + refusals["sound backup, live database in use"])
    figures["live_fingerprint"] = live_before[0][:16]
    figures["bad_backups"] = refusals
    if args.engine == "sqlite":
        leftovers = [path.name for path in work.iterdir() if path.name.startswith(".")]
    else:
        import psycopg

        with psycopg.connect(args.admin_url) as pg:
            found = pg.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{DRILL_DB}%\\_restoring\\_%"]
            )
            leftovers = [row[0] for row in found]
    if leftovers:
        failures.append(f"left behind by the refused restores: {leftovers}")

    for key, value in figures.items():
        if isinstance(value, dict):
            print(f"  {key}:")
            for kind, outcome in value.items():
                print(f"    {kind}: {outcome}")
        else:
            print(f"  {key}: {value}")
    print(json.dumps({"result": "pass" if not failures else "fail", "failures": failures, "figures": figures}))
    return 1 if failures else 0


def fingerprint(engine: str, url: str) -> tuple[str, str | None]:
    """A digest of every row of every table of the database at ``url`` and, on SQLite, the
    SHA-256 of its file."""
    from safevillage.core.backup import database_digest, database_settings, file_sha256

    db = database_settings(url)
    return database_digest(db), file_sha256(Path(db["NAME"])) if engine == "sqlite" else None


def forge_manifest(bad: Path, like: Path, **changes: Any) -> None:
    """Beside ``bad``, the manifest of ``like`` with the checksum and size of ``bad``, as whoever
    made the bad backup could write it."""
    from safevillage.core.backup import file_sha256, manifest_path

    data = json.loads(manifest_path(like).read_text())
    data |= {"backup_file": bad.name, "sha256": file_sha256(bad), "size_bytes": bad.stat().st_size} | changes
    manifest_path(bad).write_text(json.dumps(data))


def bad_backups(args: argparse.Namespace, work: Path, good: Path, early: Path) -> dict[str, Path]:
    """Bad backups, each with a manifest beside it."""
    from safevillage.core.backup import manifest_path, read_manifest

    suffix = good.suffix
    bad: dict[str, Path] = {}

    damaged = work / f"damaged{suffix}"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    manifest_path(damaged).write_text(manifest_path(good).read_text())
    bad["one damaged byte, original manifest"] = damaged

    empty = work / f"empty{suffix}"
    empty.write_bytes(b"")
    forge_manifest(empty, good)
    bad["empty file, manifest made to match"] = empty

    truncated = work / f"truncated{suffix}"
    truncated.write_bytes(early.read_bytes())
    forge_manifest(truncated, good)
    bad["truncated (an earlier backup), manifest made to match"] = truncated

    cut = work / f"cut{suffix}"
    cut.write_bytes(early.read_bytes())
    forge_manifest(cut, good, tables=read_manifest(early).tables)
    bad["truncated, its row counts written into the manifest too"] = cut

    foreign = work / f"foreign{suffix}"
    statements = ["CREATE TABLE notes (id integer PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'x')"]
    if args.engine == "sqlite":
        import sqlite3

        other = sqlite3.connect(foreign)
        for statement in statements:
            other.execute(statement)
        other.commit()
        other.close()
    else:
        import psycopg

        from safevillage.core.backup import database_settings, libpq_environment, postgresql_tool, run_tool

        name = f"{DRILL_DB}_foreign"
        pg_recreate(args.admin_url, name)
        with psycopg.connect(pg_url(args.admin_url, name), autocommit=True) as pg:
            for statement in statements:
                pg.execute(statement)
        db = database_settings(pg_url(args.admin_url, name))
        run_tool(
            [postgresql_tool("pg_dump"), "--format=custom", f"--file={foreign}", f"--dbname={name}"],
            libpq_environment(db),
        )
        pg_recreate(args.admin_url, name, create=False)
    forge_manifest(foreign, good)
    bad["another product's database, manifest made to match"] = foreign

    corrupted = work / f"corrupted{suffix}"
    data = bytearray(good.read_bytes())
    size = int.from_bytes(data[16:18], "big") if args.engine == "sqlite" else 4096
    start = (len(data) // 2) // size * size
    data[start : start + size] = bytes((n * 37) % 251 for n in range(size))
    corrupted.write_bytes(bytes(data))
    forge_manifest(corrupted, good)
    bad["a block overwritten in the middle, manifest made to match"] = corrupted
    return bad


def refused_while_in_use(target_url: str, good: Path, live_before: tuple[str, str | None]) -> str:
    """A sound backup while another session holds the live database: refused, nothing changed."""
    import psycopg
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with psycopg.connect(target_url) as server:
        server.execute("SELECT 1")
        try:
            call_command("restore", good, yes=True, database_url=target_url, stdout=io.StringIO())
            outcome = "RESTORED"
        except CommandError as exc:
            outcome = f"refused: {str(exc).split(': ', 1)[-1][:110]}"
    return outcome + ("; live unchanged" if fingerprint("postgresql", target_url) == live_before else "; LIVE CHANGED")


if __name__ == "__main__":
    sys.exit(main())
