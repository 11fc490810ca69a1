"""``manage.py generate_synthetic --years N --incidents M --seed S [--end-year Y] [--chunk K]``:
a synthetic register of national size for demonstrations and benchmarks
(``incidents.synthetic``). It writes invented records, so it runs only with DEBUG on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.incidents.synthetic import Plan, Result, SyntheticError, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic register (invented records, realistic in place, season, category mix and "
        "workflow) with one audit event per chunk and province, then rebuild the report summaries. "
        "Deterministic for a seed. Runs only with DEBUG=true."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, required=True, help="Years of records, ending with --end-year.")
        parser.add_argument("--incidents", type=int, required=True, help="How many records in all.")
        parser.add_argument("--seed", type=int, required=True, help="Seed: the same seed gives the same records.")
        parser.add_argument(
            "--end-year", type=int, default=None, help="Last year of records (default: this year, up to today)."
        )
        parser.add_argument(
            "--chunk", type=int, default=100_000, help="Records per transaction (default 100,000; more is faster)."
        )
        parser.add_argument(
            "--no-summaries",
            action="store_true",
            help="Do not add the records to the report summaries (run rebuild_summaries later).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                _("generate_synthetic writes invented records: it runs only with DEBUG=true, never on a real register.")
            )
        end_year = options["end_year"] or timezone.localdate().year
        try:
            plan = Plan(
                years=options["years"],
                incidents=options["incidents"],
                seed=options["seed"],
                end_year=end_year,
                chunk=options["chunk"],
            )
        except SyntheticError as error:
            raise CommandError(str(error)) from None
        verbosity = options["verbosity"]

        def progress(result: Result) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {result.records:,} records ({result.chunks} chunks)")

        try:
            result = generate(plan, summaries=not options["no_summaries"], progress=progress)
        except SyntheticError as error:
            raise CommandError(str(error)) from None
        rate = result.records / result.seconds if result.seconds else 0.0
        self.stdout.write(
            _(
                "%(records)s synthetic records (ids %(first)s to %(last)s) as at %(as_of)s in %(chunks)d chunks, "
                "%(events)d audit events; drawing %(drawing).1f s, writing %(writing).1f s, "
                "summaries %(summaries).1f s: %(rate)s records a second."
            )
            % {
                "records": f"{result.records:,}",
                "first": result.first_id,
                "last": result.last_id,
                "as_of": timezone.localtime(result.as_of).strftime("%Y-%m-%d %H:%M") if result.as_of else "",
                "chunks": result.chunks,
                "events": result.events,
                "drawing": result.drawing,
                "writing": result.writing,
                "summaries": result.summaries,
                "rate": f"{rate:,.0f}",
            }
        )
        if options["no_summaries"]:
            self.stdout.write(_("The summaries were not kept: run manage.py rebuild_summaries before reading reports."))
