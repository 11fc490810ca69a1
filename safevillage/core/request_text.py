"""Requests whose text is not UTF-8 are refused before anything reads them.

Django decodes a query string and a form body with ``errors="replace"``, and in whatever
charset the request declares: invalid bytes became U+FFFD and a body declared as Latin-1
became "ÿþ…", and either was stored as if it had been typed. So the raw bytes are checked
here, once for every page and every API operation, before any form, parser or view sees them:

- the query string and a form body (``application/x-www-form-urlencoded``), once
  percent-decoded, must be UTF-8; a JSON or plain-text body must be UTF-8;
- a declared charset other than UTF-8 is refused (our pages send UTF-8 and JSON is UTF-8);
- a multipart form: Django decodes each part itself, so a U+FFFD it made is refused.

Which characters a valid text may hold is the business of each field (``core/text.py``).

A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or a form over DATA_UPLOAD_MAX_NUMBER_FIELDS) is
answered here too, before the CSRF check reads it: otherwise Django logs a traceback for it
(a SuspiciousOperation) and shows its generic page. Here it gets a page in the user's
language (413) and the one line Django logs for every 4xx answer.

An API request is answered in the API's own way (``api/refusal.py``): the same error body
and language negotiation as any other bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

TEXT_BODIES = ("application/json", "text/plain")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
UTF8_NAMES = frozenset({"utf-8", "utf8"})


def not_utf8_message() -> str:
    return _("What was sent is not valid UTF-8 text and was not read. Send the text in UTF-8 (Unicode).")


def not_multipart_message() -> str:
    return _("The body is not valid multipart form data.")


def too_large_message() -> str:
    return _("What you sent is too large and was not read. A description may have at most 10,000 characters.")


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def form_is_utf8(data: bytes) -> bool:
    """A query string or a form body: its names and values, percent-decoded, are UTF-8. The
    separators are ASCII, so decoding it whole tells the same as decoding each piece."""
    return is_utf8(unquote_to_bytes(data.replace(b"+", b" ")))


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def body_is_utf8(request: HttpRequest) -> bool:
    """Reads the body, and parses a form's (raises RequestDataTooBig, or TooManyFieldsSent,
    over the limits). Other bodies (files, none) are not text and are not looked at."""
    content_type = request.content_type or ""
    if content_type == FORM:
        request.POST  # noqa: B018  # parsed here, so that too many fields are answered here too
        return form_is_utf8(request.body)
    if is_json(content_type) or content_type in TEXT_BODIES:
        return is_utf8(request.body)
    if content_type == MULTIPART:
        return not any("\ufffd" in text for key, values in request.POST.lists() for text in (key, *values))
    return True


class RequestTextMiddleware:
    """Refuses (400) a request whose text is not UTF-8, and answers (413) one too large to read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (charset := (request.content_params or {}).get("charset")) and charset.lower() not in UTF8_NAMES:
            return refuse(request, oversized=False)
        if not form_is_utf8(request.META.get("QUERY_STRING", "").encode("iso-8859-1")):
            return refuse(request, oversized=False)
        try:
            readable = body_is_utf8(request)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return refuse(request, oversized=True)
        except MultiPartParserError:
            # Parsed here, so the view would see an empty form: the request is refused here.
            return refuse(request, oversized=False, message=not_multipart_message())
        if not readable:
            return refuse(request, oversized=False)
        return self.get_response(request)


def refuse(request: HttpRequest, *, oversized: bool, message: str | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Imported here: the API's modules import the whole register; pages need none of it.
        from safevillage.api.refusal import refuse_before_parsing

        return refuse_before_parsing(request, oversized=oversized, message=message)
    if oversized:
        return render(request, "400.html", {"message": too_large_message()}, status=413)
    return render(request, "400.html", {"message": message or not_utf8_message()}, status=400)
