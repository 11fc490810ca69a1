"""``manage.py load_gazetteer``: what ``make run`` calls — the MEF list and the 2019
census populations of the provinces. Running it again changes nothing and takes a moment."""

from __future__ import annotations

import argparse
import time
from importlib import resources
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.places.importers import progress
from safevillage.places.importers.mef import import_mef
from safevillage.places.importers.population import import_population
from safevillage.places.importers.store import Options

CENSUS_FILE = "province_population_2019.csv"


def census_file() -> Path:
    return Path(str(resources.files("safevillage.places") / "data" / CENSUS_FILE))


class Command(LanguageCommand):
    # Plain text: argparse cannot format a lazy translation (as with Django's own commands).
    help = "Load the gazetteer shipped with SafeVillage (MEF 2025 list, 2019 census of the provinces)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        show = progress.wanted(options["no_progress"])
        places = import_mef(None, options=Options(show_progress=show, reason="manage.py load_gazetteer"))
        census = import_population(
            census_file(), options=Options(show_progress=show, reason="manage.py load_gazetteer")
        )
        missing = places.of("missing")
        self.stdout.write(
            _(
                "Gazetteer: %(places)d places from the MEF 2025 list (%(created)d new, %(updated)d updated), "
                "%(refused)d lines refused and %(warnings)d warnings (details: manage.py import_places --dry-run); "
                "%(populations)d 2019 census populations (%(population_updates)d updated, %(population_refused)d "
                "refused); %(seconds).1f s."
            )
            % {
                "places": places.loaded,
                "created": places.created,
                "updated": places.updated,
                "refused": places.refused_lines,
                "warnings": len(places.of("warning")),
                "populations": census.loaded,
                "population_updates": census.updated,
                "population_refused": census.refused_lines,
                "seconds": time.monotonic() - started,
            }
            + (
                _(" %(missing)d places in the database are not in the list (kept).") % {"missing": len(missing)}
                if missing
                else ""
            )
        )
