"""``manage.py backup [--output PATH] [--database-url URL]`` — a verified backup of the database.

Safe while the server runs: SQLite is copied with its online backup API, PostgreSQL dumped
with pg_dump in one snapshot. A manifest beside the file records every table's row count,
the audit chain head and the file's SHA-256; ``manage.py restore`` checks all three.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            db = database_settings(options["database_url"])
            output = options["output"] or default_backup_path(engine_of(db))
            if output.is_dir():
                output = output / default_backup_path(engine_of(db)).name
            path, manifest = create_backup(db, output)
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
