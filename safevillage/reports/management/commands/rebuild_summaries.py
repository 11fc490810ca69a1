from typing import Any

from django.core.management.base import BaseCommand

from safevillage.reports.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Recompute every report summary from the register (one transaction: GROUP BY queries, "
        "bulk inserts). Deterministic; safe to run at any time, e.g. after a bulk import."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuild()
        for part, count in written.items():
            self.stdout.write(f"{part}: {count} rows")
