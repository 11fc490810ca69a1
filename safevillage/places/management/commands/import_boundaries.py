"""``manage.py import_boundaries PATH``: load places' outlines from a GeoJSON file, for maps."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.places.importers.boundaries import import_boundaries
from safevillage.places.importers.cli import add_common_arguments, finish, options_from
from safevillage.places.importers.csvfile import ImportFileError


class Command(LanguageCommand):
    # Plain text: argparse cannot format a lazy translation (as with Django's own commands).
    help = (
        "Import the outlines of places from a GeoJSON FeatureCollection whose features carry the NCDD code "
        "in a property. Each refused feature is reported with its number; the others are loaded."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help=_("The GeoJSON file."))
        parser.add_argument(
            "--code-property",
            default="code",
            metavar="NAME",
            help=_("The feature property that holds the NCDD code (default: code)."),
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help=_("The file holds only some places of its levels: report no missing ones."),
        )
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            report = import_boundaries(
                path,
                options=options_from(options, f"manage.py import_boundaries {path.name}"),
                code_property=options["code_property"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        finish(self, report, options)
