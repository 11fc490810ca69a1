"""RFC 9457 problem details: the one shape of every error the API answers.

A problem is a JSON object served as ``application/problem+json``::

    {
      "type": "/api/problems/invalid-input/",
      "title": "Invalid input",
      "status": 400,
      "detail": "Choose a category from the list.",
      "errors": [{"code": "unknown_category", "detail": "Choose a category from the list.", "attr": "category"}]
    }

- ``type`` names the kind of problem. Problems that say no more than their HTTP status
  (401, 404, 405, 429 …) are ``about:blank``, whose title is the status's phrase; the
  problems a client acts on differently (a field to correct, a record changed meanwhile, a
  full disk) have a type of their own, a URI under ``/api/problems/`` that explains it.
- ``title`` is the same for every occurrence of a type, in the caller's language;
  ``detail`` is this occurrence's explanation, in the caller's language.
- ``errors`` (an extension member) lists every error, at least one: a stable ``code`` for
  programs, the ``detail`` for people and, for input errors, the ``attr`` at fault as a
  dotted path (``people.0.name`` is the name of the first person); ``attr`` is null when
  the error is about the whole request.

The body is built here, below the API, because the disk-full answer (``core.diskfull``) and
Django's own error pages for ``/api/`` paths answer outside DRF; DRF's exceptions reach it
through ``api.errors``. The decision is docs/decisions/0006-problem-details.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CONTENT_TYPE = "application/problem+json"
# The type of a problem that means no more than its HTTP status (RFC 9457, section 4.2.1).
BLANK = "about:blank"
TYPE_PREFIX = "/api/problems/"


class Error(TypedDict):
    code: str
    detail: str
    attr: str | None


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem with a meaning of its own, beyond its HTTP status."""

    slug: str
    status: int
    title: Promise
    description: Promise

    @property
    def uri(self) -> str:
        return f"{TYPE_PREFIX}{self.slug}/"


INVALID_INPUT = ProblemType(
    "invalid-input",
    400,
    _("Invalid input"),
    _("Some of what was sent cannot be accepted. Each error names its field in attr (a dotted path)."),
)
UNREADABLE_BODY = ProblemType(
    "unreadable-body",
    400,
    _("The request body cannot be read"),
    _("The body is not valid JSON or form data, or it is too large. Nothing was saved."),
)
NOT_ALLOWED = ProblemType(
    "not-allowed",
    400,
    _("Not allowed in this state"),
    _("The workflow does not allow this action while the record is in its current status."),
)
CHANGED_MEANWHILE = ProblemType(
    "changed-meanwhile",
    409,
    _("The record changed meanwhile"),
    _("Someone changed the record since the version that was sent. Read it again, then decide. Nothing was saved."),
)
UUID_REUSED = ProblemType(
    "uuid-reused",
    409,
    _("This uuid was used for another record"),
    _("The device already sent a different record under this uuid. Nothing was saved."),
)
STORAGE_FULL = ProblemType(
    "storage-full",
    503,
    _("Storage full"),
    _("The server has run out of storage space. Nothing was saved; send again after the time in Retry-After."),
)
PROBLEM_TYPES = {
    t.slug: t for t in (INVALID_INPUT, UNREADABLE_BODY, NOT_ALLOWED, CHANGED_MEANWHILE, UUID_REUSED, STORAGE_FULL)
}

# The titles of about:blank problems: the HTTP status phrases, translated (RFC 9457 allows
# a title to change only by localisation).
STATUS_TITLES: dict[int, Promise] = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    409: _("Conflict"),
    412: _("Precondition Failed"),
    413: _("Content Too Large"),
    415: _("Unsupported Media Type"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
    503: _("Service Unavailable"),
}


def problem(
    status: int, errors: Sequence[Error], *, problem_type: ProblemType | None = None, detail: str = ""
) -> dict[str, Any]:
    """The problem details of an answer with ``status`` and ``errors`` (at least one).
    ``detail`` defaults to the one error's, or says how many there are."""
    if problem_type is not None and problem_type.status != status:
        raise ValueError(f"{problem_type.slug} is a {problem_type.status} problem, not {status}")
    if not detail:
        detail = (
            errors[0]["detail"]
            if len(errors) == 1
            else ngettext(
                "There is %(count)d error; it is listed in errors.",
                "There are %(count)d errors; each is listed in errors.",
                len(errors),
            )
            % {"count": len(errors)}
        )
    return {
        "type": problem_type.uri if problem_type else BLANK,
        "title": str(problem_type.title if problem_type else STATUS_TITLES.get(status, _("Error"))),
        "status": status,
        "detail": detail,
        "errors": list(errors),
    }


def problem_response(status: int, code: str, detail: str, *, problem_type: ProblemType | None = None) -> JsonResponse:
    """A problem with one error about the whole request, for answers made outside DRF."""
    body = problem(status, [{"code": code, "detail": detail, "attr": None}], problem_type=problem_type)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
