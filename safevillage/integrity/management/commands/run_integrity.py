"""``manage.py run_integrity [--period 2026Q1] [--place 14] [--rule …]``: run the integrity
checks and store the flags (the daily job runs the last ended quarter for the country)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.core.periods import Period, PeriodError
from safevillage.integrity.rules import CHECKS
from safevillage.integrity.run import last_ended_period, run_checks


class Command(BaseCommand):
    help = "Run the integrity checks on a period and store the flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="DHIS2 period (default: the last ended quarter)")
        parser.add_argument("--place", default="", help="an NCDD code prefix (default: the whole country)")
        parser.add_argument("--rule", action="append", choices=list(CHECKS), help="only this rule (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"]) if options["period"] else last_ended_period()
        except PeriodError as error:
            raise CommandError(str(error)) from None
        place = options["place"]
        if place and not (place.isdigit() and len(place) in (2, 4, 6, 8)):
            raise CommandError("--place is an NCDD code of 2, 4, 6 or 8 digits")
        result = run_checks(period, place, options["rule"])
        for rule, found in result.found.items():
            self.stdout.write(f"{rule:<24} {found}")
        self.stdout.write(result.describe())
