"""``manage.py load_gazetteer``: what ``make run`` calls — the MEF list and the 2019
census populations of the provinces. Running it again changes nothing and takes a moment.

It says in two lines what the gazetteer holds and why lines of the list were refused,
grouped by reason; every refused line and warning is written to a CSV file (var/ by default)
for whoever wants the details."""

from __future__ import annotations

import argparse
import time
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.core.command_language import LanguageCommand
from safevillage.places.importers import progress
from safevillage.places.importers.mef import import_mef
from safevillage.places.importers.population import import_population
from safevillage.places.importers.report import REASONS
from safevillage.places.importers.store import Options
from safevillage.places.models import Level, Place

CENSUS_FILE = "province_population_2019.csv"

PLURAL_LEVELS = {
    Level.PROVINCE: gettext_lazy("provinces"),
    Level.DISTRICT: gettext_lazy("districts"),
    Level.COMMUNE: gettext_lazy("communes"),
    Level.VILLAGE: gettext_lazy("villages"),
}


def census_file() -> Path:
    return Path(str(resources.files("safevillage.places") / "data" / CENSUS_FILE))


class Command(LanguageCommand):
    # Plain text: argparse cannot format a lazy translation (as with Django's own commands).
    help = "Load the gazetteer shipped with SafeVillage (MEF 2025 list, 2019 census of the provinces)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))
        parser.add_argument(
            "--defects",
            type=Path,
            help=_("Where to write the refused lines and warnings of the list (default: %(path)s).")
            % {"path": "var/gazetteer-defects.csv"},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        show = progress.wanted(options["no_progress"])
        places = import_mef(None, options=Options(show_progress=show, reason="manage.py load_gazetteer"))
        census = import_population(
            census_file(), options=Options(show_progress=show, reason="manage.py load_gazetteer")
        )
        # Written at every run, so that the file always tells about the list just loaded.
        defects = options["defects"] or Path(settings.PROJECT_DIR) / "var" / "gazetteer-defects.csv"
        defects.parent.mkdir(parents=True, exist_ok=True)
        places.write_csv(defects)
        missing = places.of("missing")
        self.stdout.write(
            _(
                "Gazetteer: %(places)d places from the MEF 2025 list (%(created)d new, %(updated)d updated): "
                "%(levels)s; %(populations)d 2019 census populations (%(population_updates)d updated, "
                "%(population_refused)d refused); %(seconds).1f s."
            )
            % {
                "places": places.loaded,
                "created": places.created,
                "updated": places.updated,
                "levels": ", ".join(f"{count} {label}" for label, count in places_per_level()),
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
        self.stdout.write(
            _(
                "Gazetteer defects: %(refused)d lines of the list refused (%(reasons)s), %(warnings)d warnings; "
                "see %(path)s"
            )
            % {
                "refused": places.refused_lines,
                "reasons": ", ".join(f"{count} {REASONS[reason]}" for reason, count in places.refused_by_reason())
                or "-",
                "warnings": len(places.of("warning")),
                "path": shown_path(defects),
            }
        )


def places_per_level() -> list[tuple[str, int]]:
    """Current places of each level, provinces first (in the output's language)."""
    counts = dict(Place.objects.current().values_list("level").annotate(count=Count("pk")).order_by())
    return [(str(PLURAL_LEVELS[level]), counts.get(level, 0)) for level in Level]


def shown_path(path: Path) -> str:
    """``path`` relative to the current folder when it is under it (make run: var/…)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
