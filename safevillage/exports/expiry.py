"""Exports are kept ``EXPORTS_KEEP_DAYS`` days: the scheduled cleanup (jobs/schedule.py)
removes the files of expired exports and marks them expired, and says so of exports the
worker stopped writing (a worker killed, or each attempt stopped by its timeout)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.utils import timezone

from safevillage.exports.models import RecordExport, State
from safevillage.exports.run import path_of


@dataclass
class Cleanup:
    removed: int
    abandoned: int


def remove_expired(now: datetime.datetime | None = None) -> Cleanup:
    now = now or timezone.now()
    removed = 0
    for export in RecordExport.objects.filter(expires_at__lte=now).exclude(state=State.EXPIRED):
        path = path_of(export)
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".part").unlink(missing_ok=True)
        RecordExport.objects.filter(pk=export.pk).update(state=State.EXPIRED, file_name="", updated_at=now)
        removed += 1
    # Each attempt of a run moves updated_at on at least once a second; after every attempt
    # the worker may make (each stopped at the timeout, retried ``retry`` seconds later), an
    # export still waiting or being written will not be finished.
    retry = cast(int, settings.Q_CLUSTER["retry"])
    attempts = retry * settings.JOBS_MAX_ATTEMPTS
    abandoned = RecordExport.objects.filter(
        state__in=(State.QUEUED, State.RUNNING), updated_at__lt=now - datetime.timedelta(seconds=attempts)
    ).update(state=State.FAILED, error="The worker did not finish the file.", finished_at=now, updated_at=now)
    return Cleanup(removed, abandoned)
