"""Restoring a backup: prove the candidate first, then swap it in whole, or change nothing.

A restore replaces every record, so it must never replace the live database with something
worse: an empty file, a database with rows missing, another product's database, a damaged one.
The backup is therefore first restored where nothing depends on it, and proven there:

1. its bytes are the ones its manifest describes (SHA-256);
2. it is a sound database: on SQLite the copy starts with SQLite's header and passes
   ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``; on PostgreSQL ``pg_restore``
   loads it into a scratch database in one transaction, where every constraint and foreign
   key is checked as it is created, or fails;
3. it is a database of this product at this code's schema: its ``django_migrations`` table
   records SafeVillage's own apps, every migration of this code is applied and none is
   unknown to it, and every model table is there;
4. its row counts are the manifest's, table by table (the manifest must name every model
   table), and its audit chain verifies end to end and ends at the head the manifest recorded.

Only then is it swapped in, in one step that happens whole or not at all:

- **SQLite**: the backup is copied (and its checksum taken from the copy) into a private
  temporary file beside the live database, and proven there. The proven copy is then written
  into the live database with SQLite's backup API in a single step, which is one write
  transaction of the live database: SQLite's own journal makes it all or nothing, other
  connections wait on its lock instead of reading a half-written file, and a ``-wal`` file
  beside the live database stays consistent with it. ``os.replace`` of the file would be
  atomic too, but a process still holding the old file would go on writing into the unlinked
  copy, and a ``-wal`` left by the old database would be replayed onto the new one. Where there
  is no live database yet, the proven copy is renamed into place (refused while a ``-wal`` or
  ``-journal`` of an earlier database lies there).
- **PostgreSQL**: the backup is restored into a scratch database on the same server, created
  like the live one (owner, encoding, collation, tablespace, connection limit, privileges), and
  proven there. Then, in the maintenance database and in one transaction, the live database is
  renamed ``<name>_pre_restore_<UTC time>`` and the scratch one takes its name. What goes live
  is the very database that was proven, not a second restore of the same file. The rename is
  refused while any session is connected to the live database, so a server left running makes
  the restore stop instead of writing into a database being replaced. The replaced database is
  kept for the operator to drop once the restore is checked: it is the way back if the wrong
  backup was chosen. Settings made with ``ALTER DATABASE … SET`` are not carried over
  (SafeVillage makes none); the command names any it finds.

On any failure before the swap the temporary copy or scratch database is removed and the live
database has not been written. After the swap the live database is inspected once more, and
the report printed is of what is live.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.utils.translation import gettext as _

from safevillage.core.backup import (
    MIGRATIONS_TABLE,
    BackupError,
    Manifest,
    Snapshot,
    check_backup_file,
    django_connected_to,
    engine_of,
    file_sha256,
    fsync_path,
    inspect_database,
    libpq_environment,
    model_tables,
    postgresql_tool,
    private_temp,
    read_manifest,
    refuse_other_checksum,
    run_tool,
)

SQLITE_HEADER = b"SQLite format 3\x00"
_CHUNK = 1024 * 1024
# A report names at most this many problems of one kind; the first ones are enough to act on.
_NAMED = 10
# PostgreSQL's SQLSTATE for "database is being accessed by other users".
_OBJECT_IN_USE = "55006"
# PostgreSQL truncates longer identifiers; the live name is shortened before a suffix is added.
_NAME_BYTES = 32


class RestoreRefused(BackupError):
    """The candidate was not swapped in: the live database is as it was. ``report`` compares the
    candidate with its manifest when they were compared."""

    def __init__(self, message: str, report: RestoreReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    found: Snapshot
    # PostgreSQL: the name the replaced database is kept under.
    previous: str | None = None
    # Things the operator must see to (database settings that were not carried over).
    notes: list[str] = field(default_factory=list)

    def table_differences(self) -> list[tuple[str, int, int | None]]:
        """(table, rows in the manifest, rows found or None if the table is missing) that differ."""
        return [
            (name, expected, self.found.tables.get(name))
            for name, expected in sorted(self.manifest.tables.items())
            if self.found.tables.get(name) != expected
        ]

    @property
    def head_matches(self) -> bool:
        return self.found.audit_head == self.manifest.audit_head

    @property
    def ok(self) -> bool:
        chain_ok = self.found.chain is not None and self.found.chain.intact
        return not self.table_differences() and self.head_matches and chain_ok

    def lines(self) -> list[str]:
        """A plain-text comparison with the manifest, for the operator."""
        manifest = self.manifest
        out = [
            _("backup %(file)s (%(engine)s, taken %(taken)s)")
            % {"file": manifest.backup_file, "engine": manifest.engine, "taken": manifest.created_at}
        ]
        for name, expected in sorted(manifest.tables.items()):
            found = self.found.tables.get(name)
            out.append(
                "  "
                + _("%(mark)s %(table)s: %(expected)d in backup, %(found)s restored")
                % {
                    "mark": _mark(found == expected),
                    "table": name,
                    "expected": expected,
                    "found": _("missing") if found is None else found,
                }
            )
        out.append(
            "  "
            + _("%(mark)s audit chain head: %(expected)s in backup, %(found)s restored")
            % {
                "mark": _mark(self.head_matches),
                "expected": _head_text(manifest.audit_head),
                "found": _head_text(self.found.audit_head),
            }
        )
        chain = self.found.chain
        if chain is None:
            out.append("  " + _("%(mark)s audit chain: not verified") % {"mark": _mark(False)})
        elif chain.intact:
            out.append(
                "  "
                + _("%(mark)s audit chain: intact, %(events)d events") % {"mark": _mark(True), "events": chain.events}
            )
        else:
            out.append(
                "  "
                + _("%(mark)s audit chain: broken at #%(seq)s: %(problem)s")
                % {"mark": _mark(False), "seq": chain.broken_at, "problem": chain.problem}
            )
        out.append(
            _("restore verified: the database matches the backup")
            if self.ok
            else _("the database does not match the backup's manifest")
        )
        return out


def _mark(ok: bool) -> str:
    # Fixed-width marks that a script can search for, in every language.
    return "ok  " if ok else "DIFF"


def _head_text(head: tuple[int, str] | None) -> str:
    return f"#{head[0]} {head[1]}" if head else _("none")


def _named(items: list[str]) -> str:
    more = len(items) - _NAMED
    shown = ", ".join(items[:_NAMED])
    return shown if more <= 0 else _("%(names)s and %(more)d more") % {"names": shown, "more": more}


def restore_backup(backup: Path, db: dict[str, Any], alias: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Prove the backup, swap it in for the database ``db`` and report on what is live.

    Raises ``RestoreRefused`` (or ``BackupError`` for a backup that cannot even be read) with
    the live database untouched. The server must be stopped: on SQLite the swap waits for its
    lock, and on PostgreSQL it is refused while anyone is connected."""
    manifest = read_manifest(backup)
    if manifest.database != alias:
        # A backup of the referrals restored over the police database, or the reverse, would
        # replace one store with the other.
        raise BackupError(
            _("this is a backup of the %(backup)s database; the target is the %(target)s database")
            % {"backup": manifest.database, "target": alias}
        )
    engine = engine_of(db)
    if manifest.engine != engine:
        raise BackupError(
            _("this is a %(backup)s backup; the target database is %(target)s")
            % {"backup": manifest.engine, "target": engine}
        )
    if engine == "sqlite":
        return _restore_sqlite(backup, db, manifest)
    return _restore_postgresql(backup, db, manifest)


def verify_live(db: dict[str, Any], manifest: Manifest, **extra: Any) -> RestoreReport:
    with django_connected_to(db) as connection:
        found = inspect_database(connection, sorted(manifest.tables), check_chain=True, alias=manifest.database)
    return RestoreReport(manifest, found, **extra)


# --- Proving a candidate -------------------------------------------------------------------


def prove_candidate(connection: BaseDatabaseWrapper, manifest: Manifest) -> RestoreReport:
    """Refuse unless the database behind ``connection`` (Django's default connection, see
    ``django_connected_to``) is a SafeVillage database of this schema holding exactly what the
    manifest describes. Reads only."""
    tables = set(connection.introspection.table_names())
    if MIGRATIONS_TABLE not in tables:
        raise RestoreRefused(
            _("the backup is not a SafeVillage database: it has no %(table)s table") % {"table": MIGRATIONS_TABLE}
        )
    _refuse_other_schema(connection)
    expected = model_tables(manifest.database)
    missing = sorted(set(expected) - tables)
    if missing:
        raise RestoreRefused(
            _("the backup lacks tables of this version of SafeVillage: %(tables)s") % {"tables": _named(missing)}
        )
    unrecorded = sorted(set(expected) - set(manifest.tables))
    if unrecorded:
        raise RestoreRefused(
            _("the manifest records no row count for %(tables)s, so it cannot vouch for the backup")
            % {"tables": _named(unrecorded)}
        )
    found = inspect_database(connection, sorted(manifest.tables), check_chain=True, alias=manifest.database)
    report = RestoreReport(manifest, found)
    if not report.ok:
        raise RestoreRefused(_("the backup does not match its manifest (see the report above)"), report)
    return report


def _refuse_other_schema(connection: BaseDatabaseWrapper) -> None:
    executor = MigrationExecutor(connection)
    loader = executor.loader
    applied = set(loader.applied_migrations)
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("safevillage.")}
    if not any(app in ours for app, _name in applied):
        raise RestoreRefused(
            _("the backup is not a SafeVillage database: its %(table)s table records none of SafeVillage's apps")
            % {"table": MIGRATIONS_TABLE}
        )
    unknown = sorted(
        f"{app}.{name}"
        for app, name in applied
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    )
    if unknown:
        raise RestoreRefused(
            _(
                "the backup was made by a newer version of SafeVillage (migrations unknown to this one: "
                "%(migrations)s); restore it with that version"
            )
            % {"migrations": _named(unknown)}
        )
    pending = [
        f"{migration.app_label}.{migration.name}"
        for migration, _backwards in executor.migration_plan(loader.graph.leaf_nodes())
    ]
    if pending:
        raise RestoreRefused(
            _(
                "the backup was made by an older version of SafeVillage (migrations not applied in it: "
                "%(migrations)s); restore it with that version, then upgrade"
            )
            % {"migrations": _named(pending)}
        )


# --- SQLite --------------------------------------------------------------------------------


def _restore_sqlite(backup: Path, db: dict[str, Any], manifest: Manifest) -> RestoreReport:
    live = Path(str(db["NAME"]))
    if not live.parent.is_dir():
        raise BackupError(_("no directory %(path)s for the SQLite database") % {"path": live.parent})
    # Beside the live database: same file system, so the final rename (when there is no live
    # database yet) is atomic, and no other directory needs room for a second copy.
    try:
        candidate = private_temp(live.parent, live.name)
    except OSError as exc:
        raise RestoreRefused(
            _("the backup could not be copied beside the database (%(error)s)") % {"error": exc}
        ) from None
    try:
        refuse_other_checksum(_copy_hashing(backup, candidate), manifest)
        _refuse_unsound_sqlite(candidate)
        with django_connected_to({"ENGINE": db["ENGINE"], "NAME": _read_only_uri(candidate)}) as connection:
            prove_candidate(connection, manifest)
        # What goes live is byte for byte what was proven.
        refuse_other_checksum(file_sha256(candidate), manifest)
        _swap_sqlite(candidate, live)
    except OSError as exc:
        # A full disk while copying, say: the live database has not been written.
        raise RestoreRefused(
            _("the backup could not be copied beside the database (%(error)s)") % {"error": exc}
        ) from None
    finally:
        candidate.unlink(missing_ok=True)
    return verify_live(db, manifest)


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` and return the SHA-256 of the bytes copied: the checksum is
    taken of what will be proven, not of a file that could change after it was checked."""
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
    return digest.hexdigest()


def _refuse_unsound_sqlite(candidate: Path) -> None:
    with candidate.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        raise RestoreRefused(_("the backup is not an SQLite database: the file is empty"))
    if header != SQLITE_HEADER:
        raise RestoreRefused(_("the backup is not an SQLite database: it does not start with SQLite's header"))
    copy = sqlite3.connect(_read_only_uri(candidate), uri=True)
    try:
        problems = [row[0] for row in copy.execute(f"PRAGMA integrity_check({_NAMED})")]
        if problems != ["ok"]:
            raise RestoreRefused(
                _("the backup fails SQLite's integrity check: %(problems)s") % {"problems": "; ".join(problems)}
            )
        dangling = copy.execute("PRAGMA foreign_key_check").fetchmany(_NAMED)
        if dangling:
            raise RestoreRefused(
                _("rows of the backup refer to rows it does not hold: %(rows)s")
                % {"rows": ", ".join(f"{table} rowid {rowid} → {parent}" for table, rowid, parent, _fk in dangling)}
            )
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(_("SQLite cannot read the backup: %(error)s") % {"error": exc}) from None
    finally:
        copy.close()


def _swap_sqlite(candidate: Path, live: Path) -> None:
    if not live.exists():
        for leftover in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-journal")):
            if leftover.exists():
                raise RestoreRefused(
                    _(
                        "%(path)s, left by an earlier database, lies where the database is to be restored, and "
                        "SQLite would apply it to the restored one: move it away, then restore again"
                    )
                    % {"path": leftover}
                )
        fsync_path(candidate)
        candidate.replace(live)
        fsync_path(live.parent)
        return
    source = sqlite3.connect(_read_only_uri(candidate), uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        # One step (pages=-1): a single write transaction of the live database, so it is
        # replaced whole or, on any error, rolled back by SQLite and left as it was.
        source.backup(target)
    except sqlite3.Error as exc:
        raise RestoreRefused(
            _(
                "SQLite could not write into %(path)s (%(error)s). Stop the server if it runs; if the database "
                "file itself is damaged, move it and its -wal and -shm files aside and restore again"
            )
            % {"path": live, "error": exc}
        ) from None
    finally:
        target.close()
        source.close()


# --- PostgreSQL ----------------------------------------------------------------------------


def _restore_postgresql(backup: Path, db: dict[str, Any], manifest: Manifest) -> RestoreReport:
    check_backup_file(backup, manifest)
    pg_restore = postgresql_tool("pg_restore")
    live = str(db["NAME"])
    now = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    scratch = f"{_shortened(live)}_restoring_{secrets.token_hex(4)}"
    try:
        with _server_cursor(db) as cursor:
            like = _database_like(cursor, live)
            notes = _create_like(cursor, scratch, like)
    except DatabaseError as exc:
        raise RestoreRefused(
            _(
                "PostgreSQL could not create a scratch database to restore into (%(error)s); the restoring role "
                "needs the CREATEDB privilege"
            )
            % {"error": exc}
        ) from None
    try:
        scratch_db = {**db, "NAME": scratch}
        try:
            run_tool(
                [
                    pg_restore,
                    "--no-owner",
                    # Into the empty scratch database, all or nothing: on any error it stays empty.
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    f"--dbname={scratch}",
                    str(backup),
                ],
                libpq_environment(scratch_db),
            )
        except BackupError as exc:
            raise RestoreRefused(_("PostgreSQL cannot load the backup: %(error)s") % {"error": exc}) from None
        with django_connected_to(scratch_db) as connection:
            prove_candidate(connection, manifest)
        with _server_cursor(db) as cursor:
            previous = _free_name(cursor, f"{_shortened(live)}_pre_restore_{now}") if like is not None else None
            _swap_postgresql(cursor, live, scratch, previous)
    except BaseException:
        # Best effort: the reason the restore stopped matters more than a scratch database left.
        with suppress(DatabaseError), _server_cursor(db) as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_identifier(scratch)} WITH (FORCE)")
        raise
    return verify_live(db, manifest, previous=previous, notes=notes)


def _shortened(name: str) -> str:
    return name.encode()[:_NAME_BYTES].decode(errors="ignore")


def _free_name(cursor: CursorWrapper, name: str) -> str:
    """``name``, or ``name`` with a number added if a database already has it (two restores in
    one second)."""
    cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [name])
    taken = {row[0] for row in cursor.fetchall()}
    candidates = [name, *(f"{name}_{n}" for n in range(2, len(taken) + 2))]
    return next(candidate for candidate in candidates if candidate not in taken)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    # Only for values read from PostgreSQL's own catalogue (standard_conforming_strings is on).
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def _server_cursor(db: dict[str, Any]) -> Iterator[CursorWrapper]:
    """A cursor in the server's maintenance database (autocommit), where databases are created,
    renamed and dropped: none of that can be done while connected to the database itself."""
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: dict(db)})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, DEFAULT_DB_ALIAS)
    try:
        with wrapper._nodb_cursor() as cursor:
            yield cursor
    finally:
        wrapper.close()


@dataclass(frozen=True)
class _DatabaseLike:
    owner: str
    encoding: str
    collate: str
    ctype: str
    provider: str | None
    icu_locale: str | None
    tablespace: str
    connection_limit: int
    grants: list[tuple[str | None, str, bool]]  # (role or None for PUBLIC, privilege, grantable)
    has_acl: bool
    settings: list[str]


def _database_like(cursor: CursorWrapper, name: str) -> _DatabaseLike | None:
    """How the database ``name`` was created, or None if there is none."""
    # to_jsonb: the locale columns differ between PostgreSQL versions.
    cursor.execute(
        "SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, "
        "to_jsonb(d) ->> 'datlocprovider', coalesce(to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale'), "
        "t.spcname, d.datconnlimit, d.datacl IS NOT NULL, d.oid "
        "FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = %s",
        [name],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    owner, encoding, collate, ctype, provider, icu_locale, tablespace, limit, has_acl, oid = row
    cursor.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, "
        "a.is_grantable FROM pg_database d, aclexplode(d.datacl) a WHERE d.oid = %s",
        [oid],
    )
    grants = [(role, privilege, bool(grantable)) for role, privilege, grantable in cursor.fetchall()]
    cursor.execute(
        "SELECT coalesce(pg_get_userbyid(NULLIF(s.setrole, 0)), ''), c FROM pg_db_role_setting s, "
        "unnest(s.setconfig) c WHERE s.setdatabase = %s ORDER BY 1, 2",
        [oid],
    )
    settings = [f"{role + ': ' if role else ''}{setting}" for role, setting in cursor.fetchall()]
    return _DatabaseLike(
        owner, encoding, collate, ctype, provider, icu_locale, tablespace, limit, grants, has_acl, settings
    )


def _create_like(cursor: CursorWrapper, name: str, like: _DatabaseLike | None) -> list[str]:
    """Create the empty database ``name`` like ``like``; return what could not be carried over."""
    # template0: a pristine database, as pg_dump's archives expect.
    options = ["TEMPLATE template0"]
    if like is not None:
        options += [
            f"OWNER {_identifier(like.owner)}",
            f"ENCODING {_literal(like.encoding)}",
            f"LC_COLLATE {_literal(like.collate)}",
            f"LC_CTYPE {_literal(like.ctype)}",
            f"TABLESPACE {_identifier(like.tablespace)}",
            f"CONNECTION LIMIT {int(like.connection_limit)}",
        ]
        if like.provider == "i" and like.icu_locale:
            options += ["LOCALE_PROVIDER icu", f"ICU_LOCALE {_literal(like.icu_locale)}"]
    cursor.execute(f"CREATE DATABASE {_identifier(name)} {' '.join(options)}")
    if like is None:
        return []
    try:
        if like.has_acl:
            cursor.execute(f"REVOKE ALL ON DATABASE {_identifier(name)} FROM PUBLIC")
            for role, privilege, grantable in like.grants:
                cursor.execute(
                    f"GRANT {privilege} ON DATABASE {_identifier(name)} TO "
                    f"{'PUBLIC' if role is None else _identifier(role)}{' WITH GRANT OPTION' if grantable else ''}"
                )
    except DatabaseError:
        cursor.execute(f"DROP DATABASE IF EXISTS {_identifier(name)} WITH (FORCE)")
        raise
    return [
        _("a database setting that was not carried over to the restored database: %(setting)s") % {"setting": setting}
        for setting in like.settings
    ]


def _swap_postgresql(cursor: CursorWrapper, live: str, scratch: str, previous: str | None) -> None:
    """Give the proven scratch database the live one's name, in one transaction. A database
    is renamed only with no one else connected: an autovacuum worker tidying it is no client,
    and is stopped (PostgreSQL starts it again later); anyone else refuses the restore."""
    for attempt in range(_SWAP_ATTEMPTS):
        cursor.execute("BEGIN")
        try:
            if previous is not None:
                cursor.execute(f"ALTER DATABASE {_identifier(live)} RENAME TO {_identifier(previous)}")
            cursor.execute(f"ALTER DATABASE {_identifier(scratch)} RENAME TO {_identifier(live)}")
        except DatabaseError as exc:
            cursor.execute("ROLLBACK")
            if getattr(exc.__cause__, "sqlstate", None) != _OBJECT_IN_USE:
                raise RestoreRefused(
                    _("PostgreSQL could not swap in the restored database: %(error)s") % {"error": exc}
                ) from None
            if attempt + 1 < _SWAP_ATTEMPTS and _stop_autovacuum(cursor, (live, scratch)):
                continue
            raise RestoreRefused(
                _(
                    "the database %(name)s is in use by other connections: stop the server and every other "
                    "client, then restore again"
                )
                % {"name": live}
            ) from None
        cursor.execute("COMMIT")
        return


_SWAP_ATTEMPTS = 5


def _stop_autovacuum(cursor: CursorWrapper, names: tuple[str, ...]) -> bool:
    """Stop the autovacuum workers connected to ``names``; False when anyone else is connected."""
    cursor.execute(
        "SELECT pid, backend_type FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
        [list(names)],
    )
    others = cursor.fetchall()
    if any(kind != "autovacuum worker" for _pid, kind in others):
        return False
    for pid, _kind in others:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    return True
