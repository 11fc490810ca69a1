import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safevillage.incidents.escalation import LEVEL_NAMES, escalate_overdue, repeat_after


class Command(BaseCommand):
    help = (
        "Escalate every overdue open record one level up: to the district, then (still overdue "
        "ESCALATION_REPEAT_DAYS days later, default 7) to the province, then to the national "
        "secretariat. Idempotent: a second run at the same time escalates nothing. The job worker "
        "(manage.py run_worker) runs it every hour; this command runs it by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be escalated; write nothing.")
        parser.add_argument(
            "--now",
            help="Act as if it were this time (ISO 8601; without an offset, Asia/Phnom_Penh). For tests and replays.",
        )
        parser.add_argument(
            "--days",
            type=int,
            help="Days overdue at one level before the next escalation (default: ESCALATION_REPEAT_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) if options["now"] else timezone.now()
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        wait = datetime.timedelta(days=options["days"]) if options["days"] is not None else repeat_after()
        dry_run: bool = options["dry_run"]
        escalations = escalate_overdue(now, wait, dry_run=dry_run)
        for escalation in escalations:
            self.stdout.write(("would escalate " if dry_run else "escalated ") + escalation.describe())
        by_level = {name: sum(1 for e in escalations if e.to_level == level) for level, name in LEVEL_NAMES.items()}
        summary = ", ".join(f"{n} to {name}" for name, n in by_level.items())
        verb = "Would escalate" if dry_run else "Escalated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(escalations)} record(s) at {now.isoformat(timespec='seconds')}: {summary}."
                + (" Dry run: nothing written." if dry_run else "")
            )
        )


def parse_now(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 date and time, not {value!r}.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment
