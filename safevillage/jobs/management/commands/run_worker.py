from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler

from safevillage.jobs.schedule import ensure_schedules


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (escalation of overdue records, the audit chain's verification, the "
        "removal of expired exports) and the exports of the register people ask for: "
        "write the product's schedule, queue what is due, then run django-q2's cluster until "
        "stopped (SIGTERM or Ctrl-C). `make run` starts it beside the web server; production runs "
        "it as one more process (docs/operations.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        names = [schedule.name for schedule in ensure_schedules()]
        # The cluster's own scheduler first looks after about 30 s; a job due now (a new
        # one, or one missed while the worker was stopped) is queued at once instead.
        scheduler(broker=get_broker())
        now = timezone.now()
        plan = "; ".join(
            f"{s.name} every {s.minutes} min, next in {max(0, round((s.next_run - now).total_seconds() / 60))} min"
            for s in Schedule.objects.filter(name__in=names).order_by("name")
        )
        self.stdout.write(f"SafeVillage worker started: {plan}.", ending="\n")
        self.stdout.flush()
        call_command("qcluster")
