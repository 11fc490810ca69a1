"""Restore drills: back up a database holding real records, change it, restore, and prove
that every table and the audit chain are exactly as they were at the backup.

The drills restore into a separate database (a file on SQLite, ``<test db>_restore`` on
PostgreSQL) so that the suite's own database is left alone, except for one drill that
restores into the configured database itself, as an operator does."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.audit.log import current_head, record_event
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.core.backup import (
    Manifest,
    database_digest,
    database_settings,
    django_connected_to,
    file_sha256,
    libpq_environment,
    manifest_path,
    read_manifest,
)
from safevillage.places.models import Level, Place, UnitType

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, apart from the test database, to restore into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield pg_url(name)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url(name: str) -> str:
    """The URL of the database ``name`` on the test server."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'] or '', safe='')}{password}@{server}/{name}"


def scratch_databases() -> list[str]:
    """Databases a restore made beside the test databases: scratch ones and replaced ones."""
    prefix = connection.settings_dict["NAME"][:32]
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) "
            "AND (datname LIKE '%%\\_restoring\\_%%' OR datname LIKE '%%\\_pre\\_restore\\_%%') ORDER BY 1",
            [prefix],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.fixture(autouse=True)
def _drop_replaced_databases() -> Iterator[None]:
    """A PostgreSQL restore keeps the database it replaced: the tests drop those afterwards."""
    yield
    if connection.vendor == "postgresql":
        for name in scratch_databases():
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def register(places: dict[str, Place], sokha: User, dara: User) -> dict[str, Place]:
    """The gazetteer, two commune officers and three audited changes, committed."""
    for n, (by, village) in enumerate([(sokha, "14030501"), (dara, "14030601"), (sokha, "14030502")], start=1):
        with transaction.atomic():
            record_event(
                "places.place.update",
                actor=by,
                target=places[village],
                place_code=village,
                old={"population": 1000 + n},
                new={"population": 1100 + n, "note": "ការធ្វើបច្ចុប្បន្នភាព"},
                reason="ជំរឿន",
            )
    return places


def later_work(places: dict[str, Place], make_user: Callable[..., User]) -> None:
    """What happens after the backup: a new village, a new officer, more audited changes."""
    with transaction.atomic():
        village = Place.objects.create(
            code="14030503",
            level=Level.VILLAGE,
            parent=places["140305"],
            unit_type=UnitType.PHUM,
            name_km="ថ្មី",
            name_latin="Thmei",
        )
        record_event("places.place.create", actor=None, target=village, place_code=village.code, new={"name": "Thmei"})
    officer = make_user("sopheap", Role.COMMUNE_POLICE, places["140306"], full_name="Sopheap Ros")
    with transaction.atomic():
        record_event("accounts.user.create", actor=None, target=officer, new={"username": "sopheap"})


def backup(path: Path, **options: Any) -> Manifest:
    call_command("backup", output=path, stdout=io.StringIO(), **options)
    return read_manifest(path)


def restore(path: Path, target: str | None, **options: Any) -> str:
    out = io.StringIO()
    call_command("restore", path, yes=True, database_url=target, stdout=out, **options)
    return out.getvalue()


def fingerprint(url: str | None) -> tuple[str, str | None]:
    """What the database holds (a digest of every row of every table) and, on SQLite, the
    SHA-256 of its file."""
    db = database_settings(url)
    on_disk = file_sha256(Path(db["NAME"])) if connection.vendor == "sqlite" else None
    return database_digest(db), on_disk


def restored_from(manifest: Manifest, path: Path, url: str) -> tuple[str, str | None]:
    """Restore a good backup into ``url``, which then plays the live database; its fingerprint."""
    assert "restore verified" in restore(path, url)
    assert contents(url)[2] == manifest.tables["audit_auditevent"]
    return fingerprint(url)


def contents(url: str | None) -> tuple[int, int, int, tuple[int, str] | None, bool]:
    """Places, users and audit events in a database, its chain head and whether it verifies,
    read through the ORM (not through the restore's own report)."""
    with django_connected_to(database_settings(url)):
        return (
            Place.objects.count(),
            User.objects.count(),
            AuditEvent.objects.count(),
            current_head(),
            verify_chain().intact,
        )


def test_a_backup_records_every_table_the_audit_head_and_its_checksum(register, tmp_path):
    manifest = backup(tmp_path / "register.bak")

    assert manifest.engine == connection.vendor
    assert manifest.tables["places_place"] == 14
    assert manifest.tables["accounts_user"] == 2
    assert manifest.tables["accounts_roleassignment"] == 2
    assert manifest.tables["audit_auditevent"] == 3
    assert manifest.tables["django_migrations"] > 0
    assert manifest.tables_missing == []
    assert manifest.audit_head == current_head()
    assert manifest.audit_head is not None and manifest.audit_head[0] == 3
    assert manifest.sha256 == file_sha256(tmp_path / "register.bak")
    assert manifest.size_bytes == (tmp_path / "register.bak").stat().st_size
    assert manifest.created_at.endswith("Z")
    # Backups hold personal data: readable by their owner only.
    for path in (tmp_path / "register.bak", manifest_path(tmp_path / "register.bak")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_restore_drill_brings_back_exactly_the_backed_up_records(register, make_user, tmp_path, target):
    before = backup(tmp_path / "before.bak")
    later_work(register, make_user)
    after = backup(tmp_path / "after.bak")
    assert after.tables["places_place"] == before.tables["places_place"] + 1
    assert after.audit_head is not None and after.audit_head[0] == 5

    # The target first holds the later state, as a live database would …
    restore(tmp_path / "after.bak", target)
    assert contents(target) == (15, 3, 5, after.audit_head, True)

    # … and the restore puts it back to the backup, every table and the chain head.
    report = restore(tmp_path / "before.bak", target)

    assert contents(target) == (14, 2, 3, before.audit_head, True)
    assert "restore verified: the database matches the backup" in report
    assert "DIFF" not in report
    assert "ok   audit_auditevent: 3 in backup, 3 restored" in report
    assert "audit chain: intact, 3 events" in report


def test_restoring_into_the_configured_database_undoes_later_work(register, make_user, tmp_path):
    manifest = backup(tmp_path / "before.bak")
    later_work(register, make_user)
    assert contents(None)[:3] == (15, 3, 5)

    report = restore(tmp_path / "before.bak", None)

    assert "restore verified" in report
    assert contents(None) == (14, 2, 3, manifest.audit_head, True)
    assert Place.objects.filter(code="14030503").exists() is False


def test_a_corrupted_backup_is_refused_and_the_target_left_as_it_was(register, make_user, tmp_path, target):
    before = backup(tmp_path / "before.bak")
    later_work(register, make_user)
    backup(tmp_path / "after.bak")
    restore(tmp_path / "after.bak", target)
    damaged = tmp_path / "before.bak"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped bit pattern in the middle of the file
    damaged.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="SHA-256") as refused:
        restore(damaged, target)

    assert before.sha256 in str(refused.value)
    assert contents(target)[:3] == (15, 3, 5)


def test_a_backup_without_its_manifest_is_refused(register, tmp_path, target):
    backup(tmp_path / "before.bak")
    manifest_path(tmp_path / "before.bak").unlink()

    with pytest.raises(CommandError, match="no manifest"):
        restore(tmp_path / "before.bak", target)


def test_a_backup_that_does_not_match_its_manifest_is_refused_with_the_differences(
    register, make_user, tmp_path, target
):
    backup(tmp_path / "before.bak")
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "after.bak"), tmp_path / "after.bak", target)
    path = manifest_path(tmp_path / "before.bak")
    data = json.loads(path.read_text())
    data["tables"]["places_place"] += 1  # the manifest claims a village the backup does not hold
    path.write_text(json.dumps(data))
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"restore refused, the database .* was not changed"):
        call_command("restore", tmp_path / "before.bak", yes=True, database_url=target, stdout=out)

    assert "DIFF places_place: 15 in backup, 14 restored" in out.getvalue()
    assert "ok   accounts_user: 2 in backup, 2 restored" in out.getvalue()
    assert fingerprint(target) == live


def test_a_backup_of_a_tampered_log_is_refused(register, make_user, tmp_path, target):
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "good.bak"), tmp_path / "good.bak", target)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser can: the append-only triggers are off for the session.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE seq = 2", ["edited later"])
        if connection.vendor == "postgresql":
            cursor.execute("RESET session_replication_role")
    backup(tmp_path / "tampered.bak")
    out = io.StringIO()

    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("restore", tmp_path / "tampered.bak", yes=True, database_url=target, stdout=out)

    assert "DIFF audit chain: broken at #2" in out.getvalue()
    assert fingerprint(target) == live


def test_restore_refuses_to_run_unattended_without_yes(register, tmp_path, target, monkeypatch):
    backup(tmp_path / "before.bak")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped input is not a terminal

    with pytest.raises(CommandError, match="give --yes"):
        call_command("restore", tmp_path / "before.bak", database_url=target, stdout=io.StringIO())

    if target.startswith("sqlite"):
        assert not Path(target.removeprefix("sqlite://")).exists()
    else:
        with django_connected_to(database_settings(target)) as restored:
            assert restored.introspection.table_names() == []  # the empty target is still empty


def test_a_backup_is_not_restored_into_another_engine(register, tmp_path):
    backup(tmp_path / "before.bak")
    other = "postgres://nobody@127.0.0.1:1/none" if connection.vendor == "sqlite" else f"sqlite:///{tmp_path / 'x'}"

    with pytest.raises(CommandError, match=f"this is a {connection.vendor} backup"):
        restore(tmp_path / "before.bak", other)


def test_a_backup_never_overwrites_another(register, tmp_path):
    (tmp_path / "kept.bak").write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="already exists"):
        backup(tmp_path / "kept.bak")

    assert (tmp_path / "kept.bak").read_bytes() == b"an older backup"


def test_a_failed_backup_leaves_nothing_behind(tmp_path, db):
    if connection.vendor == "sqlite":
        source = tmp_path / "not-a-database.sqlite3"
        source.write_text("these are notes, not a database\n" * 200)
        url = f"sqlite:///{source}"
    else:
        url = f"postgres://postgres@{connection.settings_dict['HOST'] or '127.0.0.1'}:1/none"
    out_dir = tmp_path / "backups"

    with pytest.raises(CommandError, match="nothing was written"):
        backup(out_dir / "x.bak", database_url=url)

    assert list(out_dir.iterdir()) == []


def test_without_output_the_backup_goes_to_var_backups_with_a_utc_timestamp(register, tmp_path, settings):
    settings.PROJECT_DIR = tmp_path
    out = io.StringIO()

    call_command("backup", stdout=out)

    (written,) = [p for p in (tmp_path / "var" / "backups").iterdir() if not p.name.endswith(".json")]
    assert written.name.startswith(f"safevillage-{connection.vendor}-")
    assert written.name.endswith("Z.sqlite3" if connection.vendor == "sqlite" else "Z.dump")
    assert str(written) in out.getvalue()
    assert read_manifest(written).tables["audit_auditevent"] == 3


def test_a_sqlite_backup_is_one_self_contained_file(register, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL backups are pg_dump archives")
    path = tmp_path / "register.bak"
    backup(path)

    copy = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM places_place").fetchone()[0] == 14
    finally:
        copy.close()


# --- Bad backups whose manifest was made to match them --------------------------------------
# Each is refused, and the live database (the target, restored from a good backup first) is
# exactly as it was: the same digest of every row, and on SQLite the same file.


def forge_manifest(bad: Path, like: Manifest, **changes: Any) -> None:
    """Write beside ``bad`` the manifest ``like`` with the checksum and size of ``bad``, as
    whoever made the bad backup could."""
    data = like.as_dict() | {"backup_file": bad.name, "sha256": file_sha256(bad), "size_bytes": bad.stat().st_size}
    manifest_path(bad).write_text(json.dumps(data | changes))


def foreign_backup(path: Path, *, django: bool) -> None:
    """A sound backup of another product's database: a notes table and, for a Django project,
    a migrations table that records only Django's own apps."""
    statements = [
        "CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)",
        "INSERT INTO notes VALUES (1, 'x')",
    ]
    if django:
        statements += [
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied text)",
            "INSERT INTO django_migrations VALUES (1, 'contenttypes', '0001_initial', '2026-01-01')",
        ]
    if connection.vendor == "sqlite":
        other = sqlite3.connect(path)
        for statement in statements:
            other.execute(statement)
        other.commit()
        other.execute("PRAGMA journal_mode=DELETE")
        other.close()
        return
    name = f"{connection.settings_dict['NAME']}_foreign"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        db = database_settings(pg_url(name))
        with django_connected_to(db) as other, other.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        pg_dump = shutil.which("pg_dump")
        assert pg_dump is not None
        subprocess.run(
            [pg_dump, "--format=custom", f"--file={path}", f"--dbname={name}"], env=libpq_environment(db), check=True
        )
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def corrupt(good: Path, path: Path) -> None:
    """A copy of a good backup with a block overwritten: the kind of damage a failing disk does.
    On SQLite, the first page of the register's table: a page in the middle of the file may be
    a free page, whose bytes no check reads, and which page that is depends on the file."""
    data = bytearray(good.read_bytes())
    if connection.vendor == "sqlite":
        size = int.from_bytes(data[16:18], "big")
        with closing(sqlite3.connect(good)) as db:
            (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'incidents_incident'").fetchone()
        start = (root - 1) * size
    else:
        size = 4096
        start = (len(data) // 2) // size * size
    data[start : start + size] = bytes((n * 37) % 251 for n in range(size))
    path.write_bytes(bytes(data))


BAD_BACKUPS = {
    # kind: what the refusal says
    "empty": "is empty|cannot load the backup",
    "truncated": r"does not match its manifest",
    "truncated, counts rewritten too": r"does not match its manifest",
    "foreign": "is not a SafeVillage database: it has no django_migrations table",
    "foreign Django project": "is not a SafeVillage database: its django_migrations table records none",
    "corrupted": "integrity check|cannot read the backup|cannot load the backup|does not match its manifest",
}


@pytest.mark.parametrize("kind", BAD_BACKUPS)
def test_a_bad_backup_with_a_matching_manifest_is_refused_and_the_live_database_unchanged(
    kind, register, make_user, tmp_path, target
):
    before = backup(tmp_path / "before.bak")
    later_work(register, make_user)
    after = backup(tmp_path / "after.bak")
    live = restored_from(after, tmp_path / "after.bak", target)
    bad = tmp_path / "bad.bak"
    if kind == "empty":
        bad.write_bytes(b"")
        forge_manifest(bad, after)
    elif kind == "truncated":
        # The earlier backup is sound and its chain intact, but holds fewer rows than claimed.
        shutil.copyfile(tmp_path / "before.bak", bad)
        forge_manifest(bad, after)
    elif kind == "truncated, counts rewritten too":
        # Only the audit chain head still tells that events were cut from the end.
        shutil.copyfile(tmp_path / "before.bak", bad)
        forge_manifest(bad, after, tables=before.tables)
    elif kind.startswith("foreign"):
        foreign_backup(bad, django=kind != "foreign")
        forge_manifest(bad, after)
    else:
        corrupt(tmp_path / "after.bak", bad)
        forge_manifest(bad, after)
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"restore refused, the database .* was not changed") as refused:
        call_command("restore", bad, yes=True, database_url=target, stdout=out)

    assert refused.match(BAD_BACKUPS[kind])
    assert fingerprint(target) == live
    assert contents(target) == (15, 3, 5, after.audit_head, True)
    if kind.startswith("truncated"):
        assert "DIFF audit chain head" in out.getvalue()
    if connection.vendor == "sqlite":
        # Nothing left beside the live database: the proven copy is removed whatever happens.
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    else:
        assert [name for name in scratch_databases() if "_restoring_" in name] == []


def test_a_full_disk_while_copying_the_backup_leaves_the_live_database_as_it_was(
    register, make_user, tmp_path, target, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL restores into a scratch database on the server")
    backup(tmp_path / "before.bak")
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "after.bak"), tmp_path / "after.bak", target)

    def full_disk(source: Path, target: Path) -> str:
        target.write_bytes(source.read_bytes()[:4096])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("safevillage.core.restore._copy_hashing", full_disk)

    with pytest.raises(CommandError, match=r"could not be copied beside the database .*No space left"):
        restore(tmp_path / "before.bak", target)

    assert fingerprint(target) == live
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_empty_backup_is_not_restored_into_a_database_that_does_not_exist_yet(register, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: a PostgreSQL database is created before it is restored into")
    manifest = backup(tmp_path / "good.bak")
    bad = tmp_path / "empty.bak"
    bad.write_bytes(b"")
    forge_manifest(bad, manifest)
    new = tmp_path / "new" / "db.sqlite3"
    new.parent.mkdir()

    with pytest.raises(CommandError, match="the file is empty"):
        restore(bad, f"sqlite:///{new}")

    assert list(new.parent.iterdir()) == []


def test_a_backup_of_a_newer_version_is_refused(register, make_user, tmp_path, target):
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "now.bak"), tmp_path / "now.bak", target)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_from_the_future', %s)",
            ["2026-12-01 00:00:00"],
        )
    try:
        backup(tmp_path / "newer.bak")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")

    with pytest.raises(
        CommandError, match=r"newer version of SafeVillage \(migrations unknown to this one: audit.9999"
    ):
        restore(tmp_path / "newer.bak", target)

    assert fingerprint(target) == live


def test_a_backup_of_an_older_version_is_refused(register, make_user, tmp_path, target):
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "now.bak"), tmp_path / "now.bak", target)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app, name, applied FROM django_migrations WHERE app = 'audit' ORDER BY name DESC")
        latest = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [latest[0]])
    try:
        backup(tmp_path / "older.bak")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)", latest)

    with pytest.raises(CommandError, match=rf"older version of SafeVillage .*audit.{latest[2]}"):
        restore(tmp_path / "older.bak", target)

    assert fingerprint(target) == live


def test_the_refusal_is_told_in_khmer_when_asked(register, tmp_path, target):
    manifest = backup(tmp_path / "good.bak")
    bad = tmp_path / "empty.bak"
    bad.write_bytes(b"")
    forge_manifest(bad, manifest)

    with pytest.raises(CommandError) as refused:
        restore(bad, target, language="km")

    assert "restore refused" not in str(refused.value)
    assert "មិនត្រូវបានផ្លាស់ប្ដូរ" in str(refused.value)


def test_a_postgresql_restore_is_refused_while_the_database_is_in_use(register, make_user, tmp_path, target):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's swap waits for the lock instead")
    good = backup(tmp_path / "good.bak")
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "after.bak"), tmp_path / "after.bak", target)

    with django_connected_to(database_settings(target)) as server, server.cursor() as cursor:
        cursor.execute("SELECT 1")  # a server still running, holding a connection
        with pytest.raises(CommandError, match="is in use by other connections"):
            restore(tmp_path / "good.bak", target)

    assert fingerprint(target) == live
    assert [name for name in scratch_databases() if "_restoring_" in name] == []
    assert good.tables["places_place"] == 14


def test_a_postgresql_restore_keeps_the_database_it_replaced(register, make_user, tmp_path, target):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the databases swap names")
    backup(tmp_path / "before.bak")
    later_work(register, make_user)
    live = restored_from(backup(tmp_path / "after.bak"), tmp_path / "after.bak", target)

    kept_before = scratch_databases()
    name = target.rsplit("/", 1)[1]
    with connection._nodb_cursor() as cursor:
        # Who may connect, and a setting made on the database, as an operator might have.
        cursor.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        cursor.execute(f'GRANT CONNECT ON DATABASE "{name}" TO PUBLIC')
        cursor.execute(f"ALTER DATABASE \"{name}\" SET work_mem = '8MB'")

    report = restore(tmp_path / "before.bak", target)

    (kept,) = [name for name in scratch_databases() if name not in kept_before]
    assert "_pre_restore_" in kept
    assert f"kept as {kept}" in report
    assert fingerprint(pg_url(kept)) == live
    assert contents(target)[:3] == (14, 2, 3)
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname, datacl::text, pg_get_userbyid(datdba) FROM pg_database WHERE datname IN (%s, %s)",
            [name, kept],
        )
        databases = {row[0]: row[1:] for row in cursor.fetchall()}
    assert databases[name] == databases[kept]
    acl = databases[name][0]
    assert acl.startswith("{=c/") or ",=c/" in acl  # PUBLIC may connect, and no longer create temporary tables
    assert "not carried over to the restored database: work_mem=8MB" in report
