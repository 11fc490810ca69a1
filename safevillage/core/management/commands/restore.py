"""``manage.py restore PATH [--yes] [--database-url URL]`` — restore a backup and prove it.

Stop the server first: the restore replaces the whole database. The backup's SHA-256 must
match its manifest, or nothing is touched. Afterwards every table's row count and the audit
chain head must equal the manifest's and the chain must verify end to end; the command
prints the comparison and exits non-zero on any difference.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import translation

from safevillage.core.backup import BackupError, database_settings, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the database (stop the server first), "
        "then verify row counts, the audit chain head and the chain against the manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file; its manifest must be beside it")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--database-url",
            help="the database to restore into, as a DATABASE_URL; default the configured database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        db = database_settings(options["database_url"])
        where = db.get("NAME")
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("restore replaces the whole database: give --yes when not run from a terminal")
            answer = input(f"Replace every record in {where} with the backup {options['path']}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled; nothing was changed")
        if not options["database_url"]:
            # No connection of this process may hold the database while it is replaced.
            connections.close_all()
        try:
            # Operators read the server's output in English, whatever the site's language.
            with translation.override("en"):
                report = restore_backup(options["path"], db)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"the restored database {where} does not match the backup (see the report above)")
