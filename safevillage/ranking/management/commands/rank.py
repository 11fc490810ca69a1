import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.core.periods import Period, PeriodError
from safevillage.places.models import Level, Place
from safevillage.ranking.compute import NoWeights, compute
from safevillage.ranking.models import RankingLevel
from safevillage.safety.national import last_ended_quarter


class Command(BaseCommand):
    help = (
        "Rank the communes of the country, a province or a district (from the report summaries), "
        "or the officers of a district or a commune, for a period; store the ranking if it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="202601, 2026Q1, 2026S1 or 2026 (default: the last ended quarter).")
        parser.add_argument("--place", default="", help="A province, district or commune code (default: the country).")
        parser.add_argument("--level", default=RankingLevel.COMMUNE, choices=RankingLevel.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"]) if options["period"] else last_ended_quarter()
        except PeriodError as error:
            raise CommandError(str(error)) from None
        prefix, level = options["place"].strip(), options["level"]
        area = Place.objects.filter(code=prefix).first() if prefix else None
        if prefix and area is None:
            raise CommandError(f"No place {prefix}.")
        if level == RankingLevel.COMMUNE and area is not None and area.level > Level.DISTRICT:
            raise CommandError("Communes are ranked within a district, a province or the country.")
        if level == RankingLevel.OFFICER and (area is None or area.level < Level.DISTRICT):
            raise CommandError("Officers are ranked within a district or a commune (--place).")
        started = time.perf_counter()
        try:
            outcome = compute(prefix, period, level)
        except NoWeights:
            raise CommandError(f"No weight set applies to {period.id}.") from None
        rows = outcome.result.rows
        ranked = [row for row in rows if row["rank"] is not None]
        outside = sum(1 for row in ranked if row.get("funnel") in ("above_998", "below_998"))
        self.stdout.write(
            f"{len(ranked)} of {len(rows)} {level}s of {prefix or 'KH'} ranked for {period.id} in "
            f"{time.perf_counter() - started:.2f} s under weights {outcome.result.weights.version}"
            + (f"; {outside} outside the 99.8 % funnel limits" if level == RankingLevel.COMMUNE else "")
            + ("; stored." if outcome.created else "; unchanged.")
        )
