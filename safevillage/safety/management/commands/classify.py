from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.core.periods import Period, PeriodError
from safevillage.places.codes import under
from safevillage.places.models import Place
from safevillage.policy.models import FrameworkVersion
from safevillage.safety.classify import NoThresholds, framework_in_force
from safevillage.safety.national import classify_all, last_ended_quarter


class Command(BaseCommand):
    help = (
        "Classify every commune (from the report summaries) and, with --villages, every village "
        "(from the register) for a period under a framework version; store the decisions that "
        "changed and keep the ones they replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="202601, 2026Q1, 2026S1 or 2026 (default: the last ended quarter).")
        parser.add_argument("--framework", help="2010 or 2021 (default: the one in force at the end of the period).")
        parser.add_argument("--place", default="", help="A province, district or commune code (default: the country).")
        parser.add_argument("--villages", action="store_true", help="Classify the villages too.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"]) if options["period"] else last_ended_quarter()
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if options["framework"]:
            framework = FrameworkVersion.objects.filter(code=options["framework"]).first()
        else:
            framework = framework_in_force(period)
        if framework is None:
            codes = ", ".join(FrameworkVersion.objects.values_list("code", flat=True)) or "none loaded (load_policy)"
            raise CommandError(f"No such framework; the framework versions are: {codes}.")
        prefix = options["place"].strip()
        if prefix and not Place.objects.filter(under("code", prefix)).exists():
            raise CommandError(f"No place {prefix}.")
        try:
            runs = classify_all(period, framework, prefix=prefix, villages=options["villages"])
        except NoThresholds:
            raise CommandError(f"No threshold set applies to {period.id}.") from None
        for timed in runs:
            self.stdout.write(timed.describe(prefix, period, framework))
