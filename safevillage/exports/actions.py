"""Asking for an export of the register: checked and recorded at once, written later by the
worker (``run.py``), so that the request answers in a moment whatever the size of the file."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django_q.tasks import async_task

from safevillage.accounts.scoping import prefixes
from safevillage.audit.log import record_event
from safevillage.exports.models import Format, RecordExport
from safevillage.incidents.filters import FILTER_PARAMS, filter_incidents
from safevillage.incidents.models import Incident

if TYPE_CHECKING:
    from safevillage.accounts.models import User

# The job the worker runs for each export (jobs/tasks.py).
RUN_TASK = "safevillage.jobs.tasks.export_records"


class ExportRefused(Exception):
    """The filters cannot be used; ``errors`` are translated messages by parameter."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def selection(params: Mapping[str, str]) -> dict[str, str]:
    """The register's selection parameters among ``params``, without the empty ones."""
    return {key: value for key in FILTER_PARAMS if (value := str(params.get(key, "")).strip())}


def request_export(
    user: User, params: Mapping[str, str], file_format: str, language: str, now: datetime.datetime | None = None
) -> RecordExport:
    """Record the export and queue it for the worker; audited as ``incident.export``.

    The filters are the register page's (``incidents.filters``), checked here so that a bad
    one is said at once; the worker applies them again. Nothing is counted or read here: a
    national count alone can take seconds at ten million records."""
    now = now or timezone.now()
    filters = selection(params)
    errors = filter_incidents(Incident.objects.none(), filters, now).errors
    if errors:
        raise ExportRefused(errors)
    file_format = Format(file_format)
    scope = list(prefixes(user, "incidents.view"))
    with transaction.atomic():
        export = RecordExport.objects.create(
            owner=user,
            scope=scope,
            query=urlencode(filters),
            format=file_format,
            language=language,
            last_id=Incident.objects.aggregate(last=Max("pk"))["last"] or 0,
            created_at=now,
            updated_at=now,
            expires_at=now + datetime.timedelta(days=settings.EXPORTS_KEEP_DAYS),
        )
        record_event(
            "incident.export",
            actor=user,
            target=export,
            place_code=audited_place(export),
            new={"filters": filters, "format": file_format.value, "export": export.pk},
        )
        # Queued once the export is committed, so that the worker always finds its row.
        transaction.on_commit(lambda: async_task(RUN_TASK, export.pk))
    return export


def audited_place(export: RecordExport) -> str | None:
    """The place the export covers, which decides the auditors who see its events: the place
    filtered on, else the owner's one place (none for several places or the country)."""
    place = QueryDict(export.query).get("place")
    return place or (export.scope[0] if len(export.scope) == 1 and export.scope[0] else None)
