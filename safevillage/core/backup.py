"""Backups that can be restored and proven to be complete.

A backup is one file plus a manifest beside it (``<file>.manifest.json``) that records what the
database held at the instant of the backup: the row count of every model table, the audit
chain head (seq, hash) and the SHA-256 of the backup file. A restore is accepted only when the
file still has that checksum and the database in it has the same row counts, the same chain
head, and a chain that verifies end to end; ``safevillage.core.restore`` tells how it proves
all that before it replaces anything.

SQLite is copied with SQLite's online backup API (``sqlite3.Connection.backup``), which reads
one consistent snapshot while the server keeps writing; copying the file instead could catch
it halfway through a write, or miss what still sits in the ``-wal`` file. PostgreSQL is dumped
with ``pg_dump --format=custom`` inside a snapshot that this module exports, so the counts and
the head in the manifest are read from exactly the state that was dumped. The password goes to
pg_dump and pg_restore in ``PGPASSWORD``, never on the command line (which every local user
can read in the process list).

Nothing half-written is left behind: the backup and its manifest are written under temporary
names in the destination directory, flushed to disk, then renamed.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 — runs pg_dump/pg_restore by absolute path, never through a shell
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils.translation import gettext as _

from safevillage.audit.log import current_head
from safevillage.audit.models import AuditEvent, ChainHead
from safevillage.audit.verify import Verdict, verify_chain

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = 1
# Not a model table, but it says which schema the data belongs to.
MIGRATIONS_TABLE = "django_migrations"
_CHUNK = 1024 * 1024
_ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
_EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Connection options that libpq also reads from the environment (Django passes the others to
# psycopg only, and pg_dump cannot use them).
_LIBPQ_ENV = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",  # nosec B105 — the name of libpq's variable, not a password
    "NAME": "PGDATABASE",
}
_LIBPQ_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup or restore that cannot be done safely; the message tells the operator why."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    backup_file: str
    size_bytes: int
    sha256: str
    tables: dict[str, int]
    audit_head: tuple[int, str] | None
    tables_missing: list[str] = field(default_factory=list)
    tool: str = ""
    format: int = MANIFEST_FORMAT
    # Which store: "default" (the police database) or "referrals" (kept apart, decision 0012).
    database: str = DEFAULT_DB_ALIAS

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "engine": self.engine,
            "created_at": self.created_at,
            "backup_file": self.backup_file,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "tool": self.tool,
            "audit_head": {"seq": self.audit_head[0], "hash": self.audit_head[1]} if self.audit_head else None,
            "tables": self.tables,
            "tables_missing": self.tables_missing,
            "database": self.database,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != MANIFEST_FORMAT:
            raise BackupError(
                _("the manifest has an unknown format %(found)r (expected %(expected)d)")
                % {"found": data.get("format"), "expected": MANIFEST_FORMAT}
            )
        try:
            head = data["audit_head"]
            return cls(
                engine=str(data["engine"]),
                created_at=str(data["created_at"]),
                backup_file=str(data["backup_file"]),
                size_bytes=int(data["size_bytes"]),
                sha256=str(data["sha256"]),
                tables={str(name): int(count) for name, count in data["tables"].items()},
                audit_head=(int(head["seq"]), str(head["hash"])) if head else None,
                tables_missing=[str(name) for name in data.get("tables_missing", [])],
                tool=str(data.get("tool", "")),
                # Manifests written before the referrals store existed are of the main database.
                database=str(data.get("database", DEFAULT_DB_ALIAS)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(_("the manifest is incomplete or malformed (%(error)r)") % {"error": exc}) from None


@dataclass(frozen=True)
class Snapshot:
    """What a database holds: row counts, the chain head and (when checked) the chain's verdict."""

    tables: dict[str, int]
    tables_missing: list[str]
    audit_head: tuple[int, str] | None
    chain: Verdict | None = None


# --- Which database ----------------------------------------------------------------------


def database_settings(database_url: str | None = None, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Django settings for the database at ``database_url``, or the configured one of
    ``alias`` (in tests, the test database, since the test runner renames it in place)."""
    if database_url:
        return dict(dj_database_url.parse(database_url))
    return copy.deepcopy(connections[alias].settings_dict)


def engine_of(db: dict[str, Any]) -> str:
    try:
        return _ENGINES[db["ENGINE"]]
    except KeyError:
        raise BackupError(
            _("backups support SQLite and PostgreSQL, not %(engine)r") % {"engine": db.get("ENGINE")}
        ) from None


@contextmanager
def django_connected_to(db: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """Point Django's default connection (in this thread) at ``db`` for the duration.

    The audit helpers (``current_head``, ``verify_chain``) read through the default
    connection; switching it lets the very same code check a backup copy or a restored
    database that is not the one the server uses, without a second implementation."""
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: copy.deepcopy(db)})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, DEFAULT_DB_ALIAS)
    previous = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = previous


def model_tables(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Every table Django's models write in the database ``alias`` (many-to-many tables
    included, as the routers place them), and the migrations table."""
    tables = {MIGRATIONS_TABLE}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped and router.allow_migrate_model(alias, model):
            tables.add(meta.db_table)
    return sorted(tables)


def _chain(alias: str) -> tuple[set[str], Callable[[], tuple[int, str] | None], Callable[[], Verdict]]:
    """The audit chain of the store ``alias``: its tables, its head and its verifier, read
    through Django's default connection (which ``django_connected_to`` points at the copy)."""
    if alias == DEFAULT_DB_ALIAS:
        return {AuditEvent._meta.db_table, ChainHead._meta.db_table}, current_head, verify_chain
    from safevillage.referrals import chain
    from safevillage.referrals.models import ChainEvent
    from safevillage.referrals.models import ChainHead as ReferralsHead

    return (
        {ChainEvent._meta.db_table, ReferralsHead._meta.db_table},
        lambda: chain.head(using=DEFAULT_DB_ALIAS),
        lambda: chain.verify(using=DEFAULT_DB_ALIAS),
    )


def inspect_database(
    connection: BaseDatabaseWrapper, tables: list[str], *, check_chain: bool, alias: str = DEFAULT_DB_ALIAS
) -> Snapshot:
    """Row counts of ``tables`` and the chain head of the store ``alias``, read through
    ``connection``, which must be Django's default connection (see ``django_connected_to``)."""
    existing = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name in tables:
            if name in existing:
                # The name comes from the models or the manifest and is quoted by the backend.
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608  # nosec B608
                counts[name] = int(cursor.fetchone()[0])
    missing = [name for name in tables if name not in existing]
    chain_tables, head_of, verify = _chain(alias)
    has_log = chain_tables <= existing
    head = head_of() if has_log else None
    return Snapshot(counts, missing, head, verify() if check_chain and has_log else None)


def database_digest(db: dict[str, Any]) -> str:
    """A SHA-256 of every table's columns and rows, in a fixed order: two databases with the
    same digest hold the same data. It shows that a refused restore left a database as it was
    (a file's checksum would not do on PostgreSQL, nor on SQLite while a ``-wal`` file holds
    part of the data)."""
    digest = hashlib.sha256()
    with django_connected_to(db) as connection, connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            digest.update(f"{table}({','.join(columns)})\n".encode())
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                # Hashed by the server, in the order of each row's text form.
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {quoted} t"  # noqa: S608  # nosec B608
                )
                digest.update(repr(cursor.fetchone()).encode())
            else:
                order = ", ".join(str(n) for n in range(1, len(columns) + 1))
                cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608  # nosec B608
                while rows := cursor.fetchmany(2000):
                    for row in rows:
                        digest.update(repr(row).encode() + b"\n")
    return digest.hexdigest()


# --- Files ---------------------------------------------------------------------------------


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def default_backup_path(engine: str, now: datetime.datetime | None = None, alias: str = DEFAULT_DB_ALIAS) -> Path:
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
    store = "safevillage" if alias == DEFAULT_DB_ALIAS else f"safevillage-{alias}"
    return Path(settings.PROJECT_DIR) / "var" / "backups" / f"{store}-{engine}-{stamp}{_EXTENSIONS[engine]}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def private_temp(directory: Path, name: str) -> Path:
    """An empty file only the owner can read (backups hold personal data), in ``directory`` so
    that the final rename stays on one file system and is atomic."""
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=directory)
    os.close(fd)
    return Path(temp)


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(backup: Path) -> Manifest:
    path = manifest_path(backup)
    if not backup.is_file():
        raise BackupError(_("no backup file at %(path)s") % {"path": backup})
    if not path.is_file():
        raise BackupError(
            _("no manifest beside the backup (expected %(path)s); a backup without one is not restored")
            % {"path": path}
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(
            _("the manifest %(path)s cannot be read (%(error)s)") % {"path": path, "error": exc}
        ) from None
    if not isinstance(data, dict):
        raise BackupError(_("the manifest %(path)s is not a JSON object") % {"path": path})
    return Manifest.from_dict(data)


def check_backup_file(backup: Path, manifest: Manifest) -> None:
    """Refuse a backup whose bytes are not the ones the manifest was written for."""
    refuse_other_checksum(file_sha256(backup), manifest)


def refuse_other_checksum(actual: str, manifest: Manifest) -> None:
    if actual != manifest.sha256:
        raise BackupError(
            _(
                "the backup's SHA-256 is %(actual)s but its manifest says %(expected)s: "
                "the file is damaged or not the one the manifest describes"
            )
            % {"actual": actual, "expected": manifest.sha256}
        )


# --- Backup --------------------------------------------------------------------------------


def create_backup(db: dict[str, Any], output: Path, alias: str = DEFAULT_DB_ALIAS) -> tuple[Path, Manifest]:
    """Back up ``db``, the database of the store ``alias``, to ``output`` (a file that must
    not exist yet) and write its manifest."""
    engine = engine_of(db)
    output = output.resolve()
    final_manifest = manifest_path(output)
    if output.exists() or final_manifest.exists():
        raise BackupError(f"{output} or its manifest already exists; a backup never overwrites another")
    temps: list[Path] = []
    try:
        output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = private_temp(output.parent, output.name)
        temps.append(temp)
        temp_manifest = private_temp(output.parent, final_manifest.name)
        temps.append(temp_manifest)
        try:
            if engine == "sqlite":
                snapshot, tool = _backup_sqlite(db, temp, alias)
            else:
                snapshot, tool = _backup_postgresql(db, temp, alias)
        except (sqlite3.Error, DatabaseError) as exc:
            raise BackupError(f"the database could not be read: {exc}") from exc
        fsync_path(temp)
        manifest = Manifest(
            engine=engine,
            created_at=datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z"),
            backup_file=output.name,
            size_bytes=temp.stat().st_size,
            sha256=file_sha256(temp),
            tables=snapshot.tables,
            audit_head=snapshot.audit_head,
            tables_missing=snapshot.tables_missing,
            tool=tool,
            database=alias,
        )
        temp_manifest.write_text(json.dumps(manifest.as_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        fsync_path(temp_manifest)
        temp.replace(output)
        try:
            temp_manifest.replace(final_manifest)
        except OSError:
            output.unlink(missing_ok=True)  # a backup without its manifest would be refused anyway
            raise
        fsync_path(output.parent)
    except OSError as exc:
        raise BackupError(f"the backup could not be written: {exc}") from exc
    finally:
        for path in temps:
            path.unlink(missing_ok=True)
    return output, manifest


def _backup_sqlite(db: dict[str, Any], temp: Path, alias: str) -> tuple[Snapshot, str]:
    source_path = Path(str(db["NAME"]))
    if not source_path.is_file():
        # sqlite3.connect would quietly create an empty database and back that up.
        raise BackupError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(temp)
    try:
        # One step (pages=-1): the whole copy reads a single snapshot, while writers go on (WAL).
        source.backup(target)
        # A self-contained file: no -wal/-shm beside the copy.
        target.execute("PRAGMA journal_mode=DELETE")
        status = target.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"the copy fails SQLite's quick_check: {status}")
    finally:
        target.close()
        source.close()
    # Counts and head are read from the copy itself: they describe exactly what was saved.
    with django_connected_to({"ENGINE": db["ENGINE"], "NAME": str(temp)}) as connection:
        snapshot = inspect_database(connection, model_tables(alias), check_chain=False, alias=alias)
    return snapshot, f"sqlite3 backup API (SQLite {sqlite3.sqlite_version})"


def libpq_environment(db: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: connection settings as libpq variables, so that
    the password never appears in a command line."""
    env = dict(os.environ)
    for key, variable in _LIBPQ_ENV.items():
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in _LIBPQ_OPTION_ENV.items():
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def postgresql_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def run_tool(command: list[str], env: dict[str, str]) -> str:
    # Arguments are a list run without a shell, and carry no secret (see libpq_environment).
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stdout


def _backup_postgresql(db: dict[str, Any], temp: Path, alias: str) -> tuple[Snapshot, str]:
    pg_dump = postgresql_tool("pg_dump")
    env = libpq_environment(db)
    version = run_tool([pg_dump, "--version"], env).strip()
    with django_connected_to(db) as connection, transaction.atomic():
        with connection.cursor() as cursor:
            # A snapshot that pg_dump adopts: the counts below and the dump see one same state.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        snapshot = inspect_database(connection, model_tables(alias), check_chain=False, alias=alias)
        run_tool(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot_id}",
                f"--file={temp}",
                "--no-password",
                f"--dbname={db['NAME']}",
            ],
            env,
        )
    return snapshot, version
