from typing import Any

from django.core.management.base import BaseCommand

from safevillage.core import planner_stats
from safevillage.reports.bulk_rebuild import summary_models
from safevillage.reports.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Recompute every report summary from the register (one transaction: GROUP BY queries, "
        "bulk inserts). Deterministic; safe to run at any time, e.g. after a bulk import."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild()
        # Rewritten in bulk: fresh planner statistics for them (core/planner_stats.py).
        planner_stats.analyze(*summary_models())
        for part, count in written.items():
            self.stdout.write(f"{part}: {count} rows")
