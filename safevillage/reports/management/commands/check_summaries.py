from itertools import islice
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.reports.rebuild import differences


class Command(BaseCommand):
    help = (
        "Prove that the report summaries equal what the register gives. Exits non-zero and "
        "prints the first differences when they do not (then run rebuild_summaries)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--show", type=int, default=10, help="How many differences to print (default 10).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show"] < 1:
            raise CommandError("--show must be at least 1.")
        found = list(islice(differences(), options["show"]))
        if found:
            for difference in found:
                self.stderr.write(difference.describe())
            raise CommandError(f"The summaries differ from the records (first {len(found)} differences above).")
        self.stdout.write("Summaries equal the records.")
