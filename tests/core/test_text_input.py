"""Typed text is kept exactly as typed, or refused with a message: never stored altered.

Text that is not UTF-8 is refused before anything reads it (a 400, for pages and the API);
controls, bidirectional overrides, U+FFFD and noncharacters are refused at the field that
holds them; Khmer, with its zero-width spaces and joiners, passes untouched."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from safevillage.core.text import (
    CheckedText,
    CheckedTextSerializer,
    TextValidator,
    refused_character,
    validate_line,
    validate_text,
)
from safevillage.incidents.models import Incident
from tests.factories import nothing_written
from tests.project_classes import project_subclasses

# A Khmer sentence with the zero-width space between words (U+200B), a coeng and the
# zero-width non-joiner and joiner (U+200C, U+200D) some keyboards insert.
KHMER = "ម៉ូតូ\u200bរបស់ខ្ញុំ\u200bត្រូវ\u200bបាន\u200bលួច\u200c នៅ\u200dមុខផ្សារ។"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Sokha" + RLO + "gro.live" shows as "Sokhaevil.org"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        KHMER,
        "Line one\nline two\r\n\tindented",
        "ឈ្មោះ Sokha (012 345 678) — 5 km; 50 % “quoted” 😀",
        "\u200e\u200f",  # the left-to-right and right-to-left marks reorder nothing
    ],
)
def test_khmer_and_ordinary_text_is_accepted_in_a_long_text(text):
    assert refused_character(text, multiline=True) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sokha" + RLO + "gro.live", (6, 0x202E)),
        ("a\u202ab", (2, 0x202A)),
        ("a\u2066b\u2069", (2, 0x2066)),
        ("a\u2069", (2, 0x2069)),
        ("bell\x07", (5, 0x07)),
        ("esc\x1b[31m", (4, 0x1B)),
        ("del\x7f", (4, 0x7F)),
        ("c1\x85", (3, 0x85)),
        ("damaged \ufffd text", (9, 0xFFFD)),
        ("\ufdd0", (1, 0xFDD0)),
        ("\uffff", (1, 0xFFFF)),
        ("\U0001fffe", (1, 0x1FFFE)),
    ],
)
def test_controls_overrides_replacement_and_noncharacters_are_refused(text, found):
    assert refused_character(text, multiline=True) == found
    assert refused_character(text, multiline=False) == found


def test_a_one_line_field_refuses_line_breaks_and_tabs():
    assert refused_character("Sokha\nChan", multiline=False) == (6, 0x0A)
    assert refused_character("Sokha\tChan", multiline=False) == (6, 0x09)
    assert refused_character(KHMER, multiline=False) is None


def test_the_message_names_the_character_and_where_it_is():
    with pytest.raises(forms.ValidationError) as error:
        validate_text("Sokha" + RLO + "gro.live")
    [message] = error.value.messages
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message and "at character 6" in message
    with pytest.raises(forms.ValidationError) as error:
        validate_line("two\nlines")
    assert error.value.messages == ["Write this on one line, without line breaks or tabs."]


# --- every form and serializer has it ------------------------------------------------------


def _has_text_field(fields: Any) -> bool:
    return any(isinstance(field, (forms.CharField, serializers.CharField)) for field in fields.values())


def test_every_form_of_the_project_checks_its_text():
    forms_with_text = [cls for cls in project_subclasses(forms.BaseForm) if _has_text_field(cls.base_fields)]
    assert len(forms_with_text) >= 8  # the walk found the forms (complaint, intake, actions, devices, admin)
    assert [cls for cls in forms_with_text if not issubclass(cls, CheckedText)] == []


def test_every_admin_form_that_can_change_data_checks_its_text(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    unchecked = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("safevillage."):
            continue
        may_write = model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        if may_write and not issubclass(model_admin.get_form(request), CheckedText):
            unchecked.append(type(model_admin).__name__)
        for inline in model_admin.get_inline_instances(request):
            may_write = inline.has_add_permission(request, None) or inline.has_change_permission(request)
            if may_write and not issubclass(inline.form, CheckedText):
                unchecked.append(type(inline).__name__)
    assert unchecked == []


def test_every_serializer_of_the_project_checks_its_text():
    serializer_classes = project_subclasses(serializers.BaseSerializer)
    assert len(serializer_classes) >= 10
    assert [cls.__name__ for cls in serializer_classes if not issubclass(cls, CheckedTextSerializer)] == []


def test_a_checked_form_gives_its_text_fields_the_rule_and_leaves_passwords_alone():
    class Form(CheckedText, forms.Form):
        name = forms.CharField()
        story = forms.CharField(widget=forms.Textarea)
        secret = forms.CharField(widget=forms.PasswordInput)
        count = forms.IntegerField()

    form = Form()
    assert TextValidator(multiline=False) in form.fields["name"].validators
    assert TextValidator(multiline=True) in form.fields["story"].validators
    assert not any(isinstance(v, TextValidator) for v in form.fields["secret"].validators)
    assert not any(isinstance(v, TextValidator) for v in Form.base_fields["name"].validators)  # not the class's


def test_a_checked_serializer_checks_text_in_lists_and_nested_serializers():
    from safevillage.api.incident_serializers import IncidentInput

    fields = IncidentInput().fields
    assert TextValidator(multiline=True) in fields["description"].validators
    assert TextValidator(multiline=False) in fields["village"].validators
    assert TextValidator(multiline=False) in fields["tags"].child.validators  # type: ignore[attr-defined]
    person = fields["people"].child  # type: ignore[attr-defined]
    assert TextValidator(multiline=False) in person.fields["name"].validators


# --- through the pages and the API --------------------------------------------------------------


def _complaint(**overrides: Any) -> dict[str, Any]:
    data = {
        "village": "14030601",
        "category": "theft",
        "description": "My motorbike was stolen in front of the market.",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "occurred_time": "19:30",
        "anonymous": "no",
        "name": "Sokha",
        "phone": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen(client, policy, places):
    client.cookies["django_language"] = "en"
    return client


def test_the_complaint_form_refuses_an_override_in_the_name_and_keeps_what_was_typed(citizen):
    with nothing_written():
        response = citizen.post("/public/complaint/", _complaint(name="Sokha" + RLO + "gro.live"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert "My motorbike was stolen" in page  # the rest of the form comes back as typed


def test_the_complaint_form_refuses_a_line_break_in_a_name(citizen):
    with nothing_written():
        response = citizen.post("/public/complaint/", _complaint(name="Sokha\nChan"))
    assert response.status_code == 400
    assert "Write this on one line" in response.content.decode()


def test_the_complaint_form_keeps_khmer_text_and_its_line_breaks_exactly(citizen):
    description = KHMER + "\r\nបន្ទាត់ទីពីរ\tនិង tab"
    response = citizen.post("/public/complaint/", _complaint(description=description))
    assert response.status_code == 302
    # A browser sends line breaks as CRLF; Django's form keeps them, the record keeps the text.
    assert Incident.objects.get().description == description


def test_a_form_body_that_is_not_utf8_is_refused_not_stored_with_replacement_characters(citizen):
    body = "&".join(f"{key}={value}" for key, value in _complaint(description="caf%E9").items())
    with nothing_written():
        response = citizen.post("/public/complaint/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()


def test_a_form_body_declared_in_another_charset_is_refused(citizen):
    body = "&".join(f"{key}={value}" for key, value in _complaint(description="%FF%FEabc").items())
    with nothing_written():
        response = citizen.post(
            "/public/complaint/", body, content_type="application/x-www-form-urlencoded; charset=latin-1"
        )
    assert response.status_code == 400
    assert Incident.objects.count() == 0  # once stored as "ÿþabc"


def test_a_query_string_that_is_not_utf8_is_refused(citizen):
    response = citizen.get("/public/complaint/?q=%FF%FE")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert citizen.get("/public/complaint/?q=%E1%9E%80").status_code == 200  # "ក", well encoded


def test_a_multipart_form_with_bytes_that_are_not_utf8_is_refused(citizen):
    boundary = "BoUnDaRy"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in _complaint().items()
        if key != "description"
    ).encode()
    parts += f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'.encode()
    parts += b"caf\xe9 \xff\r\n" + f"--{boundary}--\r\n".encode()
    with nothing_written():
        response = citizen.post("/public/complaint/", parts, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400


# API


API = "/api/v1/public/complaints/"


def _api_body(**overrides: Any) -> dict[str, Any]:
    data = {
        "category": "environment_hygiene",
        "village": "08010101",
        "occurred_at": (timezone.now() - datetime.timedelta(days=2)).isoformat(),
        "description": "Rubbish is burnt every night next to the school.",
        "anonymous": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def device(policy, places) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.21")


def test_the_api_refuses_an_override_or_a_control_character_in_a_field(device):
    for text in ("Rubbish" + RLO + "is burnt", "Rubbish\x1b[2J is burnt", "Rubbish \ufffd burnt"):
        with nothing_written():
            response = device.post(API, _api_body(description=text), format="json")
        assert response.status_code == 400
        assert "is not allowed" in response.content.decode()


def test_the_api_refuses_a_line_break_in_a_one_line_field(device):
    with nothing_written():
        response = device.post(API, _api_body(anonymous=False, name="Sokha\nChan"), format="json")
    assert response.status_code == 400
    assert "Write this on one line" in response.content.decode()


def test_the_api_keeps_khmer_with_its_line_breaks(device):
    description = KHMER + "\nបន្ទាត់ទីពីរ"
    assert device.post(API, _api_body(description=description), format="json").status_code == 201
    assert Incident.objects.get().description == description


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("application/json", b'{"description": "caf\xe9"}'),
        ("application/json", "\ufeff{}".encode("utf-16-le")),
        ("application/json; charset=latin-1", b'{"description": "\xff\xfe"}'),
        ("application/x-www-form-urlencoded", b"description=caf%E9"),
    ],
)
def test_the_api_refuses_a_body_that_is_not_utf8(device, content_type, raw):
    with nothing_written():
        response = device.generic("POST", API, raw, content_type=content_type)
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert "codec" not in response.content.decode()  # no Python internals


def test_the_api_refuses_a_query_string_that_is_not_utf8(device, sokha):
    device.force_authenticate(sokha)
    response = device.get("/api/v1/incidents/?q=%C0%AF")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()


def test_the_api_answers_in_the_language_asked_for(policy, places):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="km", REMOTE_ADDR="203.0.113.22")
    response = client.generic("POST", API, b'{"description": "caf\xe9"}', content_type="application/json")
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode() and "not valid" not in response.content.decode()


# --- text that reaches an action without a form ----------------------------------------------


def test_a_complainants_comment_with_an_override_is_refused(sokha, policy):
    from safevillage.incidents import actions
    from tests.factories import closed, make_complaint

    record, code = make_complaint()
    closed(record, sokha)
    with nothing_written(), pytest.raises(actions.InvalidInput) as error:
        actions.complainant_feedback(code, resolved=False, comment="Still noisy" + RLO)
    assert "U+202E" in error.value.message


def test_a_note_given_to_the_action_is_checked_too(sokha, policy):
    from safevillage.incidents import actions
    from tests.factories import make_incident

    incident = make_incident(sokha)
    with nothing_written(), pytest.raises(actions.InvalidInput) as error:
        actions.add_note(incident, by=sokha, version=incident.version, text="note \x1b[2J")
    assert "U+001B" in error.value.message


def test_json_escapes_reach_the_same_rule(device):
    raw = json.dumps(_api_body(description="Rubbish \u202e burnt")).encode()  # ensure_ascii: as "\\u202e"
    assert b"\\u202e" in raw
    with nothing_written():
        response = device.generic("POST", API, raw, content_type="application/json")
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()


def test_an_oversized_api_body_is_still_a_400_with_its_message(device, settings):
    response = device.post(API, _api_body(description="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)), format="json")
    assert response.status_code == 400
    assert "The request is too large" in response.content.decode()


def test_a_query_string_that_is_not_utf8_gets_the_page_in_the_users_language(policy, places):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get("/public/complaint/?village=14030601&x=%FF")
    assert response.status_code == 400
    assert "Request not understood" in response.content.decode()


def test_a_form_with_too_many_fields_gets_the_same_clear_answer(citizen, settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    body = {**_complaint(), **{f"extra{n}": "x" for n in range(30)}}
    with nothing_written():
        response = citizen.post("/public/complaint/", body)
    assert response.status_code == 413
    assert not any(record.exc_info for record in caplog.records)
