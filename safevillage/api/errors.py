"""Every error of the API as RFC 9457 problem details (``core.problems``), through
drf-standardized-errors.

The library does the handling: Django's Http404 and PermissionDenied become DRF's, the
transaction is marked for rollback, WWW-Authenticate and Retry-After are set, an unexpected
exception becomes a logged 500 without internals, and validation errors of nested
serializers are flattened into one list with dotted paths (``people.0.name``). Its own
body (``{"type": "validation_error", "errors": [...]}``) is not RFC 9457, so this module is
the thin adaptor the library is designed for:

- ``ProblemFormatter`` turns the flattened errors into problem details;
- ``ProblemHandler`` also converts the register's typed errors (``incidents.actions``) and
  an oversized body, serves the answer as ``application/problem+json`` whatever the client
  accepts, and leaves a full disk to ``core.diskfull`` (one place for that 503);
- ``ProblemAutoSchema`` documents each error status of each operation with the problem
  schema under ``application/problem+json``, so that the schema says what is sent;
- ``page_not_found``, ``bad_request`` and ``server_error`` answer Django's own 404, 400
  and 500 for ``/api/`` paths (an address that matches no route) the same way;
- ``problem_type`` is the page a problem's ``type`` URI opens.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from drf_standardized_errors.formatter import ExceptionFormatter, flatten_errors
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from safevillage.core import problems
from safevillage.core.diskfull import is_disk_full
from safevillage.core.text import CheckedTextSerializer
from safevillage.incidents import actions

# The problem type and error code of each typed error of the register's actions. A new
# subclass without an entry is answered with its status alone (about:blank).
_ACTION_PROBLEMS: dict[type[actions.ActionError], tuple[str, problems.ProblemType | None]] = {
    actions.InvalidInput: ("invalid", problems.INVALID_INPUT),
    actions.NotAllowed: ("not_allowed", problems.NOT_ALLOWED),
    actions.NotPermitted: ("permission_denied", None),
    actions.Conflict: ("changed_meanwhile", problems.CHANGED_MEANWHILE),
    actions.DuplicateSubmission: ("uuid_reused", problems.UUID_REUSED),
    actions.UnknownReceipt: ("not_found", None),
}


class ActionRefused(exceptions.APIException):
    """A typed error of the register's actions, with its status, message and field."""

    def __init__(self, error: actions.ActionError) -> None:
        code, self.problem_type = next(
            (found for kind, found in _ACTION_PROBLEMS.items() if isinstance(error, kind)), ("refused", None)
        )
        self.status_code = error.status_code
        if self.problem_type is not None and self.problem_type.status != error.status_code:
            self.problem_type = None
        detail = exceptions.ErrorDetail(error.message, code)
        super().__init__({error.field: [detail]} if error.field else detail)


class PreconditionFailed(exceptions.APIException):
    """412: a condition of the request (If-Match, for instance) does not hold."""

    status_code = 412
    default_detail = gettext_lazy("A condition of the request does not hold: nothing was changed.")
    default_code = "precondition_failed"


def too_large() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("The request is too large (at most %(limit)s bytes). A description may have at most 10,000 characters.")
        % {"limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"},
        code="too_large",
    )


class ProblemFormatter(ExceptionFormatter):
    def run(self) -> Any:
        errors = [
            problems.Error(code=error.code, detail=error.detail, attr=error.attr)
            for error in flatten_errors(self.exc.detail)
        ]
        if not errors:  # e.g. ValidationError({}): still say what went wrong
            errors = [problems.Error(code="invalid", detail=_("Invalid input."), attr=None)]
        return problems.problem(self.exc.status_code, errors, problem_type=self._problem_type())

    def _problem_type(self) -> problems.ProblemType | None:
        if isinstance(self.exc, exceptions.ValidationError):
            return problems.INVALID_INPUT
        if isinstance(self.exc, exceptions.ParseError):
            return problems.UNREADABLE_BODY
        return getattr(self.exc, "problem_type", None)


class ProblemHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, actions.ActionError):
            return ActionRefused(exc)
        if isinstance(exc, RequestDataTooBig):
            # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before reading it.
            return too_large()
        if isinstance(exc, (SuspiciousOperation, BadRequest)):
            # What Django answers 400 (too many fields, a malformed body): a 400 here too, and
            # logged where Django logs it, for the security team.
            if isinstance(exc, SuspiciousOperation):
                logging.getLogger(f"django.security.{type(exc).__name__}").error("%s", exc)
            return exceptions.ParseError(_("The request cannot be processed."), code="bad_request")
        return super().convert_known_exceptions(exc)

    def convert_unhandled_exceptions(self, exc: Exception) -> exceptions.APIException:
        if not isinstance(exc, exceptions.APIException):
            # Never the exception's own words (the library's are English only).
            return exceptions.APIException(_("A server error occurred."), code="error")
        return exc

    def should_not_handle(self, exc: Exception) -> bool:
        # Left to core.diskfull's middleware, which logs it once and answers 503 for pages too.
        return is_disk_full(exc) or super().should_not_handle(exc)

    def get_response(self, exc: exceptions.APIException, data: dict[str, Any]) -> Response:
        # JSON whatever the client accepts (a 406 has no renderer the client accepts, and the
        # browsable API's page would hide the problem's members).
        request = self.context["request"]
        if request is not None:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return Response(data, status=exc.status_code, headers=self.get_headers(exc), content_type=problems.CONTENT_TYPE)


# --- the schema ---------------------------------------------------------------------------


class ErrorSerializer(CheckedTextSerializer):
    code = serializers.CharField(help_text="A stable code for programs, e.g. required, not_found, changed_meanwhile.")
    detail = serializers.CharField(help_text="The error in words, in the requested language.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field at fault as a dotted path (people.0.name); null for the request as a whole.",
    )


class ProblemSerializer(CheckedTextSerializer):
    """RFC 9457 problem details, served as application/problem+json."""

    type = serializers.CharField(
        help_text="about:blank when the status says it all; otherwise a URI under /api/problems/ naming the problem."
    )
    title = serializers.CharField(help_text="A short summary of the problem type, in the requested language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="This occurrence of the problem, in the requested language.")
    # A field named like Serializer.errors: DRF keeps declared fields apart from attributes.
    errors = ErrorSerializer(many=True, help_text="Every error, at least one.")  # type: ignore[assignment]


_DESCRIPTIONS = {
    "400": "Invalid input (each error names its field) or an unreadable body.",
    "401": "Not signed in, or the token is invalid or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not in your area (the same answer).",
    "405": "This method is not allowed here.",
    "406": "None of the media types in Accept can be served.",
    "409": "A conflict with the record's current state: nothing was saved.",
    "412": "A condition of the request does not hold: nothing was changed.",
    "415": "The body's media type is not accepted.",
    "429": "Too many requests: try again after the time in Retry-After.",
    "500": "A fault of the server.",
    "503": "Storage full: nothing was saved; try again after the time in Retry-After.",
}


def problem_response(description: str) -> OpenApiResponse:
    """An error answer for ``extend_schema(responses=...)``: problem details, described."""
    return OpenApiResponse(ProblemSerializer, description=description)


class ProblemAutoSchema(AutoSchema):
    """drf-standardized-errors' schema (which error statuses an operation can answer),
    with problem details as the body of each, under application/problem+json."""

    def _get_error_response_serializer(self, status_code: str) -> Any:
        return problem_response(_DESCRIPTIONS.get(status_code, ""))

    def _get_response_for_code(
        self, serializer: Any, status_code: Any, media_types: Any = None, direction: str = "response"
    ) -> Any:
        if direction == "response" and str(status_code)[:1] in ("4", "5"):
            media_types = [problems.CONTENT_TYPE]
            # An error answer declared with a description alone still has a body.
            if isinstance(serializer, OpenApiResponse) and serializer.response is None:
                serializer = problem_response(str(serializer.description or _DESCRIPTIONS.get(str(status_code), "")))
            elif serializer is None:
                serializer = problem_response(_DESCRIPTIONS.get(str(status_code), ""))
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _get_error_response_examples(self) -> list[Any]:
        # The library's examples show its own shape, not problem details.
        return []


# --- Django's error views, for /api/ paths ------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an API address that matches no route is a problem too."""
    if _is_api(request):
        return problems.problem_response(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a suspicious request that Django refuses before any view)."""
    if _is_api(request):
        return problems.problem_response(400, "bad_request", _("The request cannot be processed."))
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: what a fault outside a view (in a middleware) answers."""
    if _is_api(request):
        return problems.problem_response(500, "error", _("A server error occurred."))
    return defaults.server_error(request)


def problem_type(request: HttpRequest, slug: str) -> HttpResponse:
    """What a problem ``type`` URI explains when it is opened: its title, status and meaning."""
    found = problems.PROBLEM_TYPES.get(slug)
    if found is None:
        return page_not_found(request, Http404())
    return HttpResponse(
        format_html(
            '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            "<body><main><h1>{}</h1><p>{}</p><p>HTTP {}</p></main></body></html>",
            translation.get_language() or "km",
            found.title,
            found.title,
            found.description,
            found.status,
        )
    )
