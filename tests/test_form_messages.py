"""Every message a form of ours can show comes in Khmer, Django's own included.

Django ships no Khmer catalogue: each message of its fields and validators that our forms
can show is re-declared in ``safevillage/accounts/django_strings.py`` and translated in ours.
The walk below finds them on the forms themselves, so a new field brings its messages here."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.core.cache import cache
from django.forms.formsets import BaseFormSet
from django.utils import timezone, translation

from tests.factories import nothing_written
from tests.project_classes import project_subclasses


class _Params(dict[str, Any]):
    """Any placeholder of a message, filled with a number."""

    def __missing__(self, key: str) -> int:
        return 2


def _project_forms() -> list[type[forms.BaseForm]]:
    # The admin is Django's own, for the national secretariat's staff only.
    return [cls for cls in project_subclasses(forms.BaseForm) if ".admin" not in cls.__module__]


def _messages() -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            for key, message in field.error_messages.items():
                messages[f"{form_class.__name__}.{name}: {key}"] = message
            for validator in field.validators:
                for key, message in getattr(validator, "messages", {"": getattr(validator, "message", None)}).items():
                    if message is not None:
                        messages[f"{form_class.__name__}.{name}: {type(validator).__name__} {key}"] = message
    for key, message in BaseFormSet.default_error_messages.items():
        messages[f"formset: {key}"] = message
    return messages


def _in(language: str, message: Any) -> str:
    with translation.override(language):
        return str(message % _Params())  # a plural message is chosen by its number here


def test_every_message_our_forms_can_show_has_a_khmer_translation():
    messages = _messages()
    assert len(messages) > 30  # the walk found the fields
    english = {where: _in("en", message) for where, message in messages.items()}
    untranslated = {where: text for where, text in english.items() if _in("km", messages[where]) == text}
    assert untranslated == {}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_a_khmer_complaint_with_a_nul_character_is_refused_in_khmer(client, policy, places, khmer_default):
    data = {
        "village": "14030601",
        "category": "theft",
        "description": "ម៉ូតូរបស់ខ្ញុំត្រូវបានលួច។",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "occurred_time": "19:30",
        "anonymous": "no",
        "name": "សុខា\x00",
        "phone": "",
    }
    with nothing_written():
        response = client.post("/public/complaint/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Null characters are not allowed." not in page
    with translation.override("km"):
        assert translation.gettext("Null characters are not allowed.") in page
