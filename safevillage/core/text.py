"""What a typed text may hold: the one rule for every text field of every form and serializer.

Officers trust the register only if it keeps exactly what they typed, and shows it to others
exactly as typed. Some characters make that impossible, so they are refused with a message
instead of being stored:

- control characters (C0, DEL, C1): invisible, and some terminals and CSV readers act on
  them. A long text (a ``Textarea``, or a serializer field styled as one) keeps its line
  breaks and tabs; a one-line field refuses those too;
- the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): they
  reorder what follows on the screen, so "U+202E" makes a name or a phone read backwards;
- U+FFFD, the replacement character: what is left of bytes that were not valid text, i.e. the
  text was already damaged before it reached us;
- noncharacters (U+FDD0 to U+FDEF and the last two code points of every plane): never text.

Khmer needs the zero-width space (U+200B, word breaks) and the zero-width non-joiner and
joiner (U+200C, U+200D): they are ordinary characters here. The NUL character and lone
surrogates are refused by Django's and DRF's own validators on every text field, with their
own (translated) messages, so they are not reported twice.

Forms inherit ``CheckedTextForm`` (or ``CheckedTextModelForm``) and serializers
``CheckedTextSerializer``: each adds the rule to every text field it has. A test walks every
form, admin and serializer of the project to prove none is left out.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The bidirectional formatting characters that reorder text: embeddings and overrides
# (U+202A to U+202E) and isolates (U+2066 to U+2069). The marks (U+200E, U+200F) reorder nothing.
BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
REPLACEMENT_CHARACTER = 0xFFFD
LINE_CHARACTERS = frozenset(map(ord, "\n\r\t"))
# Left to Django's and DRF's own validators (ProhibitNullCharactersValidator, and DRF's
# ProhibitSurrogateCharactersValidator), which every text field already has.
LEFT_TO_FRAMEWORK = frozenset({0})


def is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_character(text: str, *, multiline: bool) -> tuple[int, int] | None:
    """The first character ``text`` may not hold, as (position counted from 1, code point);
    None when every character is allowed."""
    for position, character in enumerate(text, start=1):
        code = ord(character)
        if code in LEFT_TO_FRAMEWORK or 0xD800 <= code <= 0xDFFF:
            continue
        if code in LINE_CHARACTERS:
            if multiline:
                continue
            return position, code
        if (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or code in BIDI_CONTROLS
            or code == REPLACEMENT_CHARACTER
            or is_noncharacter(code)
        ):
            return position, code
    return None


def character_name(code: int) -> str:
    """How a refused character is named in a message: its code point, and its Unicode name
    when it has one (controls have none)."""
    name = unicodedata.name(chr(code), "")
    return f"U+{code:04X} {name}" if name else f"U+{code:04X}"


@deconstructible
class TextValidator:
    """Refuses the characters above; ``multiline`` keeps line breaks and tabs."""

    code = "refused_character"

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or (found := refused_character(value, multiline=self.multiline)) is None:
            return
        position, code = found
        if code in LINE_CHARACTERS:
            raise ValidationError(_("Write this on one line, without line breaks or tabs."), code="multiline")
        raise ValidationError(
            _(
                "This text holds a character that is not allowed (%(character)s, at character %(position)d). "
                "It is often invisible: it may come from a copied text. Retype the text or paste it as plain text."
            ),
            code=self.code,
            params={"character": character_name(code), "position": position},
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


validate_line = TextValidator(multiline=False)
validate_text = TextValidator(multiline=True)


def check_text(value: str, *, multiline: bool = True) -> None:
    """For text read outside a form or serializer (an action's argument): raises the same
    ValidationError with the same message."""
    TextValidator(multiline=multiline)(value)


def refused_text(value: str, *, multiline: bool = True) -> str:
    """The message for a text holding a refused character, "" when it holds none."""
    try:
        check_text(value, multiline=multiline)
    except ValidationError as error:
        return error.messages[0]
    return ""


# --- forms ---------------------------------------------------------------------------------


def form_validator(field: forms.Field) -> TextValidator | None:
    """The rule for a form field: multiline for a Textarea; none for a password (never shown,
    only hashed) or for a field that is not text."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return None
    return validate_text if isinstance(field.widget, forms.Textarea) else validate_line


def add_form_validators(fields: Any) -> None:
    for field in fields.values():
        validator = form_validator(field)
        if validator is not None and validator not in field.validators:
            field.validators.append(validator)


class CheckedText:
    """For forms: every text field refuses the characters above (a form's fields are its own
    copies, so adding a validator here changes no other form)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_form_validators(self.fields)


class CheckedTextForm(CheckedText, forms.Form):
    pass


class CheckedTextModelForm(CheckedText, forms.ModelForm):
    pass


# --- serializers -----------------------------------------------------------------------------

_Model = TypeVar("_Model", bound=Model)

# DRF's own sign of a long text (its browsable API draws a textarea; ModelSerializer gives it to
# a model's TextField): such a field keeps line breaks and tabs.
MULTILINE_STYLE = {"base_template": "textarea.html"}


def multiline_text(**kwargs: Any) -> serializers.CharField:
    """A serializer field for a long text (a description, a note, a reason)."""
    return serializers.CharField(style=MULTILINE_STYLE, **kwargs)


def serializer_validator(field: serializers.Field[Any, Any, Any, Any]) -> TextValidator | None:
    if not isinstance(field, serializers.CharField) or field.read_only:
        return None
    return validate_text if field.style.get("base_template") == MULTILINE_STYLE["base_template"] else validate_line


def add_serializer_validators(field: serializers.Field[Any, Any, Any, Any]) -> None:
    """The rule on a text field, and on the text items of a list or a dict field."""
    child = getattr(field, "child", None)
    if isinstance(field, (serializers.ListField, serializers.DictField)) and child is not None:
        add_serializer_validators(child)
    validator = serializer_validator(field)
    if validator is not None and validator not in field.validators:
        field.validators.append(validator)


class CheckedTextSerializer(serializers.Serializer[Any]):
    """For serializers: every text field refuses the characters above. A nested serializer is
    a CheckedTextSerializer of its own."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for field in fields.values():
            add_serializer_validators(field)
        return fields


class CheckedTextModelSerializer(CheckedTextSerializer, serializers.ModelSerializer[_Model], Generic[_Model]):
    pass
