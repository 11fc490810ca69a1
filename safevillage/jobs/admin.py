"""django-q2 registers its queue, schedules and task results in the admin. They are taken out:
the national secretariat sees the jobs and their runs on /jobs/, the schedule is written by the
worker from jobs/schedule.py (an edit in the admin would be overwritten at the next start), and
django-q2's forms type dates in the browser's locale, which the product does not (core/date_input)."""

from django.contrib import admin
from django_q.models import Failure, OrmQ, Schedule, Success

for model in (Failure, OrmQ, Schedule, Success):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
