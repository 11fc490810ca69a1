"""Asking for an export through the register's form, and running it as the worker would."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.test import TestCase
from django_q.models import OrmQ

from safevillage.exports import run
from safevillage.exports.models import RecordExport
from safevillage.incidents import exports as columns


def ask(client: Any, user: Any, query: str = "", file_format: str = "csv", **headers: Any) -> Any:
    client.force_login(user)
    return client.post("/exports/" + query, {"format": file_format}, **headers)


def export_for(client: Any, user: Any, query: str = "", file_format: str = "csv") -> RecordExport:
    """Ask, check it was queued for the worker, and run it here."""
    queued = OrmQ.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = ask(client, user, query, file_format)
    assert response.status_code == 302, response.content
    export = RecordExport.objects.latest("pk")
    assert response["Location"] == f"/exports/{export.pk}/"
    assert OrmQ.objects.count() == queued + 1
    return run.run(export.pk)


def download(client: Any, export: RecordExport) -> Any:
    return client.get(f"/exports/{export.pk}/download")


def table(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(columns.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(columns.BOM))))


def references(client: Any, user: Any, query: str = "") -> list[str]:
    export = export_for(client, user, query)
    return [line[0] for line in table(download(client, export))[1:]]


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))
