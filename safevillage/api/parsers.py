"""Bad bodies answered like any bad input, never with a 500.

DRF reads a JSON body through Django's ``request.body``, which refuses one over
DATA_UPLOAD_MAX_MEMORY_SIZE before reading it (RequestDataTooBig). Left alone, that error
becomes Django's bare "Bad Request" page; the API answers it in JSON, in the caller's
language, like any other bad input.

JSON is read by ``StrictJSONParser`` (the default parser, REST_FRAMEWORK settings), which
answers 400 to two inputs that used to end in a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator


def too_large() -> ParseError:
    return ParseError(
        _("The request is too large (at most %(limit)s bytes). A description may have at most 10,000 characters.")
        % {"limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"}
    )


class BoundedBodyMixin:
    """For API views: an oversized body is a 400 with a message, like any bad input."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            exc = too_large()
        return super().handle_exception(exc)  # type: ignore[misc]


class StrictJSONParser(JSONParser):
    """JSON, refusing with a 400 two things Python's reader lets through that used to end in
    a 500:

    - a lone surrogate (``"\\ud800"`` is valid JSON but not Unicode): DRF's text fields refuse
      it, but an error message quoting it back (``"…" is not a valid choice``) could not be
      encoded, nor stored by PostgreSQL. It is refused at its place in the body, with DRF's
      own message for it;
    - nesting too deep for the reader (``[[[[…``): a RecursionError, not the ValueError DRF
      turns into a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the data is nested too deeply.")) from None
        if errors := lone_surrogates(data):
            raise ValidationError(errors)
        return data


def lone_surrogates(data: Any) -> Any:
    """The errors, shaped like a serializer's (list positions as keys "0", "1"…), for every
    string in ``data`` holding a lone surrogate; None when there is none. A bad *name* in an
    object cannot be quoted back: it refuses the whole body. Iterative: the data may be nested
    as deeply as the reader allows."""
    errors: dict[str, Any] = {}
    pending: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and (message := _surrogate_message(value)):
            if not path:
                raise ParseError(message)
            node = errors
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = [message]
        elif isinstance(value, dict):
            for key, item in value.items():
                if key_message := _surrogate_message(key):
                    raise ParseError(key_message)
                pending.append(((*path, key), item))
        elif isinstance(value, list):
            pending.extend(((*path, str(index)), item) for index, item in enumerate(value))
    return errors or None


def _surrogate_message(text: str) -> str:
    """DRF's own message for the first lone surrogate in ``text``; "" when there is none."""
    try:
        text.encode()  # in C: only a lone surrogate cannot be encoded
    except UnicodeEncodeError as error:
        return str(ProhibitSurrogateCharactersValidator.message).format(code_point=ord(text[error.start]))
    return ""
