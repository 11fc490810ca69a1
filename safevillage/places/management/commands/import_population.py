"""``manage.py import_population PATH``: set places' population, year and source."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.places.importers.cli import add_common_arguments, finish, options_from
from safevillage.places.importers.csvfile import ImportFileError
from safevillage.places.importers.population import import_population


class Command(LanguageCommand):
    # Plain text: argparse cannot format a lazy translation (as with Django's own commands).
    help = (
        "Import population figures from a CSV of code,population,year,source (source: census or estimate). "
        "Each refused line is reported with its line number; the others are loaded."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help=_("The CSV file."))
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            report = import_population(path, options=options_from(options, f"manage.py import_population {path}"))
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        finish(self, report, options)
