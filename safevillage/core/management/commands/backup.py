"""``manage.py backup [--output PATH] [--database-url URL]`` — a verified backup of the database.

Safe while the server runs: SQLite is copied with its online backup API, PostgreSQL dumped
with pg_dump in one snapshot. A manifest beside the file records every table's row count,
the audit chain head and the file's SHA-256; ``manage.py restore`` checks all three.

The referrals are kept in a database of their own (decision 0012) and backed up on their
own, to a file of their own: ``--database referrals``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from safevillage.core.backup import BackupError, create_backup, database_settings, default_backup_path, engine_of


class Command(BaseCommand):
    help = "Back up the database (SQLite backup API or pg_dump) with a manifest of row counts and the audit head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the backup file to write (it must not exist); default var/backups/safevillage-<engine>-<UTC time>",
        )
        parser.add_argument(
            "--database-url",
            help="the database to back up, as a DATABASE_URL; default the configured database",
        )
        parser.add_argument(
            "--database",
            choices=list(settings.DATABASES),
            default=DEFAULT_DB_ALIAS,
            help="which store: default (the register) or referrals (kept apart, backed up to its own file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            alias = options["database"]
            db = database_settings(options["database_url"], alias)
            output = options["output"] or default_backup_path(engine_of(db), alias=alias)
            if output.is_dir():
                output = output / default_backup_path(engine_of(db), alias=alias).name
            path, manifest = create_backup(db, output, alias)
        except BackupError as exc:
            raise CommandError(f"backup failed, nothing was written: {exc}") from None
        head = f"#{manifest.audit_head[0]}" if manifest.audit_head else "none"
        rows = sum(manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {path} ({manifest.size_bytes} bytes, {len(manifest.tables)} tables, "
                f"{rows} rows, audit head {head}, sha256 {manifest.sha256})"
            )
        )
