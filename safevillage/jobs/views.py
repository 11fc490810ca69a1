from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.models import OrmQ, Schedule, Task

from safevillage.accounts.scoping import can
from safevillage.jobs.schedule import JOBS, LABELS

RECENT_RUNS = 50


@never_cache
@login_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    """The scheduled jobs and their recent runs, for the national secretariat only (the jobs
    act on the whole country); everyone else gets the same 404 as for a page that is not."""
    if not can(request.user, "jobs.view", ""):
        raise Http404
    max_attempts: int = settings.JOBS_MAX_ATTEMPTS
    recent = [
        {
            "label": LABELS.get(task.func, task.func),
            "task": task,
            # A failed run is delivered again until it has had all its attempts.
            "retrying": not task.success and task.attempt_count < max_attempts,
        }
        for task in Task.objects.order_by("-started")[:RECENT_RUNS]
    ]
    schedules = {s.name: s for s in Schedule.objects.filter(name__in=[job.name for job in JOBS])}
    context = {
        "jobs": [{"label": job.label, "schedule": schedules.get(job.name)} for job in JOBS],
        "runs": recent,
        "queued": OrmQ.objects.count(),
        "max_attempts": max_attempts,
    }
    return render(request, "jobs/runs.html", context)
