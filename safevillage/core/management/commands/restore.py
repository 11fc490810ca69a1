"""``manage.py restore PATH [--yes] [--database-url URL] [--language en|km]`` — restore a backup,
proven first.

Stop the server first: the restore replaces the whole database. The backup is restored apart
(a copy beside the SQLite file, a scratch PostgreSQL database) and swapped in only once it is
proven: its SHA-256 is the manifest's, it is a sound SafeVillage database of this schema, its
row counts and audit chain head are the manifest's and the chain verifies end to end (see
``safevillage.core.restore``). Otherwise the command prints why, and what differs, and exits
non-zero with the database untouched.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext as _

from safevillage.core.backup import BackupError, database_settings
from safevillage.core.restore import RestoreRefused, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the database (stop the server first). "
        "The backup is proven first: checksum, integrity, schema, row counts and audit chain against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file; its manifest must be beside it")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--database-url",
            help="the database to restore into, as a DATABASE_URL; default the configured database",
        )
        parser.add_argument(
            "--database",
            choices=list(settings.DATABASES),
            default=DEFAULT_DB_ALIAS,
            help="which store: default (the register) or referrals; the backup must be of that store",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="the language of the messages (default English, as the rest of the server's output)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._restore(options)

    def _restore(self, options: dict[str, Any]) -> None:
        db = database_settings(options["database_url"], options["database"])
        where = db.get("NAME")
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(_("restore replaces the whole database: give --yes when not run from a terminal"))
            answer = input(
                _("Replace every record in %(database)s with the backup %(backup)s? Type yes: ")
                % {"database": where, "backup": options["path"]}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("restore cancelled; nothing was changed"))
        if not options["database_url"]:
            # No connection of this process may hold the database while it is replaced.
            connections.close_all()
        try:
            report = restore_backup(options["path"], db, options["database"])
        except BackupError as exc:
            if isinstance(exc, RestoreRefused) and exc.report is not None:
                for line in exc.report.lines():
                    self.stdout.write(line)
            raise CommandError(
                _("restore refused, the database %(database)s was not changed: %(reason)s")
                % {"database": where, "reason": exc}
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(note)
        if report.previous:
            self.stdout.write(
                _("the database it replaced is kept as %(name)s: drop it (dropdb %(name)s) once the restore is checked")
                % {"name": report.previous}
            )
        if not report.ok:
            raise CommandError(
                _("the restored database %(database)s does not match the backup (see the report above)")
                % {"database": where}
            )
