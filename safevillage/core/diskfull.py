"""A full disk answers "503, try again later", not a crash page.

When the disk holding the database fills up, writes fail: SQLite says "database or disk is
full" (SQLITE_FULL), PostgreSQL raises SQLSTATE 53100 (disk_full, "could not extend file …"),
writing a file fails with ENOSPC. On SQLite in WAL mode even reads can fail ("disk I/O
error", SQLITE_IOERR_SHMSIZE) once the last connection has closed, because a new one cannot
create its shared-memory file: an I/O error while the database's file system is (nearly)
full counts as a full disk too. None of this is the user's fault nor a bug, and it ends when
space is freed, so the answer is 503 Service Unavailable with Retry-After, in the user's
language, as problem details for API clients (whose offline queues retry on 503) and as a page for
people.

Nothing half-written stays behind: the exception reaches this middleware only after the
view's ``transaction.atomic`` block has exited on it, which rolls the whole change back
(with ATOMIC_REQUESTS the request's own transaction has rolled back by then too), and each
database keeps its own consistency when a write fails for lack of space.

Two paths lead here. A view's exception comes to ``process_exception``. A failure in another
middleware (reading or saving the session, for instance) has already been turned into a 500
response by Django when it comes back through this one, so the ``got_request_exception``
signal marks the request and ``__call__`` replaces that 500. This middleware sits near the
top of MIDDLEWARE so that the session and every other middleware that touches the database
are inside it.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from safevillage.core.problems import STORAGE_FULL, problem_response

logger = logging.getLogger(__name__)

# Long enough for an operator to free space or for log rotation to run; short enough that
# a phone's queue of submissions is not held back for long.
RETRY_AFTER_SECONDS = 120
# PostgreSQL's disk_full condition (psycopg.errors.DiskFull).
DISK_FULL_SQLSTATE = "53100"
# Below this much free space, an SQLite I/O error is taken for lack of space: SQLite needs
# room for its -wal and -shm files before it can even read.
SQLITE_LOW_SPACE_BYTES = 16 * 1024 * 1024
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_NO_SPACE_MESSAGES = ("database or disk is full", "could not extend file", "no space left on device")
# Request attributes: the kind of exception that meant "storage full"; whether it was logged.
_FAILED = "_safevillage_storage_full"
_LOGGED = "_safevillage_storage_full_logged"


def _sqlite_disk_nearly_full() -> bool:
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "sqlite":
        return False
    try:
        return shutil.disk_usage(Path(str(database.settings_dict["NAME"])).parent).free < SQLITE_LOW_SPACE_BYTES
    except OSError:
        return False


def _says_no_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
        return True
    sqlite_code = getattr(exc, "sqlite_errorcode", None)
    if sqlite_code == sqlite3.SQLITE_FULL:
        return True
    # Extended result codes keep the primary code in their low byte.
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == sqlite3.SQLITE_IOERR and _sqlite_disk_nearly_full():
        return True
    if getattr(exc, "sqlstate", None) == DISK_FULL_SQLSTATE:
        return True
    # Django's wrapper carries the driver's message; the driver's own error is its cause.
    return isinstance(exc, (DatabaseError, sqlite3.Error)) and any(
        message in str(exc).lower() for message in _NO_SPACE_MESSAGES
    )


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc``, or an exception it was raised from, means that storage ran out."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if _says_no_space(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def disk_full_response(request: HttpRequest) -> HttpResponse:
    title = _("Service temporarily unavailable")
    message = _(
        "The server has run out of storage space, so what you sent has not been saved. "
        "Nothing was half-saved. Please try again in a few minutes."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        # Problem details, like every error of the API (core/problems.py).
        response = problem_response(503, "storage_full", message, problem_type=STORAGE_FULL)
    else:
        # A page that needs neither the database nor the template engine, which may both be
        # what is failing.
        response = HttpResponse(
            format_html(
                '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p><p>{}</p></main></body></html>",
                translation.get_language() or "km",
                title,
                title,
                message,
                _("If you were sending a form, go back and send it again."),
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _mark_request(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django is about to answer 500 for an exception outside a view: note if it was storage."""
    exc = sys.exception()
    if request is not None and exc is not None and is_disk_full(exc):
        setattr(request, _FAILED, type(exc).__name__)


class _AnsweredWith503(logging.Filter):
    """Drops Django's "Internal Server Error" record for a request this middleware answers
    with 503 instead: one warning per event, and no path (which may identify someone)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(getattr(record, "request", None), _FAILED, None) is None


_FILTER = _AnsweredWith503()


class DiskFullMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_mark_request, dispatch_uid="safevillage.core.diskfull")
        django_request = logging.getLogger("django.request")
        if _FILTER not in django_request.filters:
            django_request.addFilter(_FILTER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FAILED, None):
            return self._answer(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_disk_full(exception):
            return None
        setattr(request, _FAILED, type(exception).__name__)
        return self._answer(request)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        if not getattr(request, _LOGGED, False):
            setattr(request, _LOGGED, True)
            # The route pattern, not the path or query: those may carry names or phone numbers.
            match = request.resolver_match
            logger.warning(
                "storage full: %s %s answered 503 (%s); free disk space on the database server",
                request.method,
                match.route if match else "-",
                getattr(request, _FAILED),
            )
        response = disk_full_response(request)
        # Django would log the 503 again as an error with the path.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
