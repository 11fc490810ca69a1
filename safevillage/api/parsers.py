"""JSON bodies read strictly, and refused in words a person can act on.

JSON is read by ``StrictJSONParser`` (the default parser, REST_FRAMEWORK settings). A body
that cannot be read is a 400 problem (api/errors.py) in the caller's language, never one
that quotes Python's own message (DRF's "JSON parse error - Exceeds the limit (4300 digits)
for integer string conversion … use sys.set_int_max_str_digits()"). A body over
DATA_UPLOAD_MAX_MEMORY_SIZE is refused by Django before it is read; api/errors.py answers it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.validators import ProhibitSurrogateCharactersValidator


class StrictJSONParser(JSONParser):
    """JSON, refusing with a 400 two things Python's reader lets through that used to end in
    a 500:

    - a lone surrogate (``"\\ud800"`` is valid JSON but not Unicode): DRF's text fields refuse
      it, but an error message quoting it back (``"…" is not a valid choice``) could not be
      encoded, nor stored by PostgreSQL. It is refused at its place in the body, with DRF's
      own message for it;
    - nesting too deep for the reader (``[[[[…``): a RecursionError, not the ValueError DRF
      turns into a 400.

    Whatever else the reader refuses is said in the caller's language (``unreadable``)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the data is nested too deeply.")) from None
        except ParseError as error:
            # DRF raises it while handling the reader's ValueError, whose words it quotes.
            raise ParseError(unreadable(error.__context__)) from None
        if errors := lone_surrogates(data):
            raise ValidationError(errors)
        return data


class StrictMultiPartParser(MultiPartParser):
    """Multipart form data, refused in the caller's language (DRF quotes Django's English)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as error:
            if isinstance(error.__context__, MultiPartParserError):
                raise ParseError(_("The body is not valid multipart form data.")) from None
            raise


def unreadable(error: BaseException | None) -> str:
    """What was wrong with a body that the JSON reader refused with ``error``."""
    if isinstance(error, json.JSONDecodeError):
        return _("The body is not valid JSON (line %(line)s, column %(column)s).") % {
            "line": error.lineno,
            "column": error.colno,
        }
    if isinstance(error, UnicodeDecodeError):
        return _("The body is not valid UTF-8 text.")
    if isinstance(error, ValueError):
        # The reader's other refusals: an integer of thousands of digits, NaN or Infinity.
        return _("The body holds a number that cannot be read: too long, or not a finite number.")
    return _("The body is not valid JSON.")


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
