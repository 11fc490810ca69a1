"""An export of the register, written by the worker to a file (``run.py``) and downloaded by
the one person who asked for it until it expires (``views.py``, ``expiry.py``).

The row keeps what the file is: who asked, the place-code prefixes they could see at that
moment, the register's filters as a query string, the format, and the last record id of
the register then, so that the file is the register as it was when asked for, whatever is
added while the worker writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    CSV = "csv", _("CSV (any spreadsheet)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class State(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired and removed")


FINISHED_STATES = (State.DONE, State.FAILED, State.EXPIRED)


class RecordExport(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The owner's place-code prefixes for incidents.view when asking ("" is the country): the
    # file never holds more than that, nor more than the owner may see when it is written.
    scope = models.JSONField()
    # The register's selection parameters (incidents.filters.FILTER_PARAMS), URL-encoded.
    query = models.CharField(max_length=2000, blank=True)
    format = models.CharField(max_length=8, choices=Format.choices)
    # The language of the header and of the words in the file: the requester's.
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # The register's last record id when asked for: later records are not in the file.
    last_id = models.BigIntegerField()
    total = models.PositiveBigIntegerField(null=True, blank=True)  # counted by the worker first
    rows_written = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=100, blank=True)  # under settings.EXPORTS_DIR
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker moves it on as it writes: a running export not updated for longer than a
    # worker's run can last was stopped (expiry.py says so on the export).
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("export of the register")
        verbose_name_plural = _("exports of the register")
        indexes = [
            # "My exports", newest first.
            models.Index(fields=["owner", "-created_at"], name="export_owner_newest"),
            # The cleanup's look-up of what has expired.
            models.Index(fields=["expires_at"], name="export_expiry"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.format})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int:
        if self.state == State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.rows_written * 100 // self.total)
