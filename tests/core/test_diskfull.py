"""When storage runs out, requests that write get 503 with Retry-After, nothing is half-saved,
and service resumes by itself once space is back.

The exceptions are the real ones the drivers raise (wrapped the way Django wraps them); on
SQLite a real full database is also produced with ``PRAGMA max_page_count``."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.utils import OperationalError
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import path

from safevillage.audit.log import current_head, record_event
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.core import diskfull
from safevillage.core.diskfull import RETRY_AFTER_SECONDS, is_disk_full
from safevillage.places.models import Level, Place, UnitType
from tests.problems import assert_problem


def new_village(request: HttpRequest) -> JsonResponse:
    """A test-only view that writes the way the product's actions do: a record and its audit
    event in one transaction. ``?note=N`` makes the audit reason N characters long."""
    with transaction.atomic():
        number = Place.objects.filter(parent__code="140305").count() + 3
        village = Place.objects.create(
            code=f"140305{number:02d}",
            level=Level.VILLAGE,
            parent=Place.objects.get(code="140305"),
            unit_type=UnitType.PHUM,
            name_km="ថ្មី",
            name_latin=f"Thmei {number}",
        )
        record_event(
            "places.place.create",
            actor=None,
            target=village,
            place_code=village.code,
            reason="x" * int(request.GET.get("note", "1")),
        )
    return JsonResponse({"code": village.code}, status=201)


def remember(request: HttpRequest) -> JsonResponse:
    """A test-only view whose session is saved after it returns, by SessionMiddleware."""
    request.session["filter"] = "140305"
    return JsonResponse({"saved": True})


urlpatterns = [
    path("api/v1/test/villages/", new_village),
    path("test/villages/", new_village),
    path("test/remember/", remember),
]

pytestmark = pytest.mark.urls(__name__)


def wrapped(driver_error: Exception) -> OperationalError:
    """The driver's error as Django raises it: its own OperationalError, caused by the driver's."""
    error = OperationalError(*driver_error.args)
    error.__cause__ = driver_error
    return error


DISK_FULL = {
    "sqlite": lambda: wrapped(sqlite3.OperationalError("database or disk is full")),
    "postgresql could not extend": lambda: wrapped(
        psycopg.errors.DiskFull('could not extend file "base/16384/16521": No space left on device')
    ),
    "postgresql 53100 in other words": lambda: psycopg.errors.DiskFull('could not write to file "pg_tblspc/x"'),
    "file system ENOSPC": lambda: OSError(errno.ENOSPC, "No space left on device"),
}
NOT_DISK_FULL = {
    "database locked": lambda: wrapped(sqlite3.OperationalError("database is locked")),
    "postgresql connection lost": lambda: wrapped(
        psycopg.OperationalError("server closed the connection unexpectedly")
    ),
    "permission denied": lambda: OSError(errno.EACCES, "Permission denied"),
    "a bug": lambda: ValueError("something else"),
}


def fail_audit_writes(monkeypatch: pytest.MonkeyPatch, make_error: Any) -> None:
    def save(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
        raise make_error()

    monkeypatch.setattr(AuditEvent, "save", save)


@pytest.mark.parametrize("make_error", DISK_FULL.values(), ids=DISK_FULL.keys())
def test_a_full_disk_during_an_api_write_answers_503_with_retry_after(places, client, monkeypatch, make_error):
    fail_audit_writes(monkeypatch, make_error)

    response = client.post("/api/v1/test/villages/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = assert_problem(response, 503, type="/api/problems/storage-full/", errors=[{"code": "storage_full"}])
    assert "has not been saved" in body["detail"]
    # The village written before the audit event was rolled back with it.
    assert Place.objects.count() == len(places)


@pytest.mark.parametrize("make_error", NOT_DISK_FULL.values(), ids=NOT_DISK_FULL.keys())
def test_other_failures_are_left_to_the_ordinary_error_handling(places, monkeypatch, make_error):
    fail_audit_writes(monkeypatch, make_error)
    client = Client(raise_request_exception=False)

    response = client.post("/api/v1/test/villages/")

    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_people_get_a_page_in_their_language(places, client, monkeypatch):
    fail_audit_writes(monkeypatch, DISK_FULL["sqlite"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post("/test/villages/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "The server has run out of storage space" in page
    assert "go back and send it again" in page


def test_the_page_is_khmer_by_default(places, client, monkeypatch, khmer_default):
    fail_audit_writes(monkeypatch, DISK_FULL["sqlite"])

    response = client.post("/test/villages/")

    assert response.status_code == 503
    assert '<html lang="km">' in response.content.decode()


def test_one_warning_is_logged_without_personal_data(places, client, monkeypatch, caplog):
    fail_audit_writes(monkeypatch, DISK_FULL["postgresql could not extend"])

    with caplog.at_level(logging.INFO):
        client.post("/test/villages/?name=Sokha+Chan&phone=012345678")

    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.WARNING
    assert record.name == "safevillage.core.diskfull"
    message = record.getMessage()
    assert "POST test/villages/ answered 503 (OperationalError)" in message
    assert "Sokha" not in message and "012345678" not in message


def test_a_session_that_cannot_be_saved_after_the_view_also_answers_503(places, monkeypatch, caplog):
    def save(self: Any, must_create: bool = False) -> None:
        raise DISK_FULL["sqlite"]()

    monkeypatch.setattr(SessionStore, "save", save)
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.INFO):
        response = client.get("/test/remember/?phone=012345678")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    # Django's own "Internal Server Error" record (with the path) is not logged as well.
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.name == "safevillage.core.diskfull"
    assert "012345678" not in record.getMessage()


def sqlite_io_error() -> OperationalError:
    """What SQLite in WAL mode raises when even a read cannot create its shared-memory file."""
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 4874  # type: ignore[attr-defined]  # SQLITE_IOERR_SHMSIZE
    return wrapped(error)


def test_an_sqlite_io_error_on_a_nearly_full_disk_answers_503(places, client, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's I/O errors only")
    fail_audit_writes(monkeypatch, sqlite_io_error)
    monkeypatch.setattr(diskfull.shutil, "disk_usage", lambda path: SimpleNamespace(free=4096))

    assert client.post("/api/v1/test/villages/").status_code == 503


def test_an_sqlite_io_error_with_space_to_spare_is_an_ordinary_error(places, monkeypatch):
    fail_audit_writes(monkeypatch, sqlite_io_error)
    monkeypatch.setattr(diskfull.shutil, "disk_usage", lambda path: SimpleNamespace(free=9 * 10**8))

    assert Client(raise_request_exception=False).post("/api/v1/test/villages/").status_code == 500


def test_the_disk_full_cause_is_found_behind_other_exceptions():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("export failed") from exc
    except RuntimeError as exc:
        assert is_disk_full(exc)
    assert not is_disk_full(RuntimeError("export failed"))


# --- A real full database (SQLite) ------------------------------------------------------------


@contextmanager
def full_sqlite_database() -> Iterator[None]:
    """Every new connection to the database may not grow past its current size, as on a disk
    with no space left. (A PRAGMA lasts for one connection, and Django opens one per request.)"""

    def cap(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")

    connection_created.connect(cap)
    connection.close()
    try:
        yield
    finally:
        connection_created.disconnect(cap)
        connection.close()


def free_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA freelist_count")
        free_pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return int(free_pages * cursor.fetchone()[0])


def integrity() -> str:
    check = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    try:
        return str(check.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        check.close()


@pytest.mark.django_db(transaction=True)
def test_a_really_full_sqlite_database_answers_503_and_recovers_when_space_returns(places, client):
    if connection.vendor != "sqlite":
        pytest.skip("max_page_count is SQLite's; scripts/resilience/disk_full.sh fills a real disk")
    client.post("/api/v1/test/villages/")  # one village and event before the disk fills
    head = current_head()
    assert head is not None and head[0] == 1
    # An audit note larger than all the free pages: the database has to grow, and cannot.
    note = free_bytes() + 256 * 1024

    with full_sqlite_database():
        response = client.post(f"/api/v1/test/villages/?note={note}")
        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert Place.objects.count() == len(places) + 1  # nothing of the failed request stayed
        assert current_head() == head
        # Small requests that fit in free pages may still succeed; the big one never does.
        assert client.post(f"/api/v1/test/villages/?note={note}").status_code == 503

    assert integrity() == "ok"
    assert verify_chain().intact

    # Space is back: the same request now succeeds, and the chain goes on unbroken.
    response = client.post(f"/api/v1/test/villages/?note={note}")
    assert response.status_code == 201
    assert current_head()[0] == 2
    assert verify_chain().intact
    assert integrity() == "ok"
