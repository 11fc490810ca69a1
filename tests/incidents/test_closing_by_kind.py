"""Closing in plain words for each kind of record: a crime is solved by arrest or by
exceptional means (the NIBRS code kept underneath), a complaint is resolved, not resolved or
passed to the responsible service, a disaster or epidemic says when the response arrived.
The page and the API ask the same fields of each kind and refuse the same things, and the
summaries stay equal to the register whatever the records were closed as."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from safevillage.incidents import actions
from safevillage.incidents.action_forms import (
    ComplaintCloseForm,
    CrimeCloseForm,
    EmergencyCloseForm,
    close_form_class,
)
from safevillage.incidents.models import Incident
from safevillage.policy.models import Category
from safevillage.reports.rebuild import differences
from tests.factories import closed, make_incident, nothing_written
from tests.problems import assert_problem, messages
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db


def page(client, user, url: str, data: dict | None = None, language: str = "en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_every_category_has_the_kind_its_nature_asks(policy):
    kinds = dict(Category.objects.values_list("code", "closure_kind"))
    assert kinds["theft"] == kinds["homicide"] == "crime"
    assert kinds["public_service"] == kinds["environment_hygiene"] == kinds["civil_dispute"] == "complaint"
    assert kinds["disaster"] == kinds["epidemic"] == "emergency"
    assert set(Category.objects.filter(is_crime=True).values_list("closure_kind", flat=True)) == {"crime"}


@pytest.mark.parametrize(
    ("category", "form", "fields"),
    [
        ("theft", CrimeCloseForm, ["result", "exceptional_reason", "arrests", "note", "deaths", "injuries"]),
        ("public_service", ComplaintCloseForm, ["result", "referred_to", "note"]),
        ("environment_hygiene", ComplaintCloseForm, ["result", "referred_to", "note"]),
        ("disaster", EmergencyCloseForm, ["response_at", "result", "referred_to", "note", "deaths", "injuries"]),
        # (and the date of a closure entered after the fact, for officers who may enter history)
    ],
)
def test_each_kind_s_form_shows_only_its_fields(policy, sokha, category, form, fields):
    record = make_incident(sokha, category=category)
    cls = close_form_class(record)
    assert cls is form
    shown = [name for name in cls(incident=record, user=sokha).fields if name not in ("version", "closed_on")]
    assert shown == fields


def test_each_kind_offers_its_own_results_in_plain_words(policy, sokha):
    def offered(category: str) -> list[str]:
        record = make_incident(sokha, category=category)
        form = close_form_class(record)(incident=record, user=sokha)
        return [value for value, _label in form.fields["result"].widget.choices]

    assert offered("theft") == ["arrest", "exceptional", "transferred", "referred", "mediated", "unfounded"]
    assert offered("homicide") == ["arrest", "exceptional", "transferred", "referred", "unfounded"]
    assert offered("public_service") == ["resolved", "mediated", "unresolved", "referred"]
    assert offered("epidemic") == ["resolved", "unresolved", "referred"]


def test_the_crime_form_puts_in_no_value_that_fails_the_first_try(client, policy, sokha):
    record = make_incident(sokha)
    html = text(page(client, sokha, f"/incidents/{record.reference}/close/"))
    assert "checked" not in html  # no result and no reason chosen for the officer
    assert 'name="close-arrests" value="0"' not in html
    assert "The suspect died" in html and "The victim will not cooperate" in html
    response = page(
        client,
        sokha,
        f"/incidents/{record.reference}/close/",
        {"close-version": "1", "close-result": "exceptional", "close-exceptional_reason": "D"},
    )
    assert response.status_code == 302
    done = Incident.objects.get(pk=record.pk)
    # The NIBRS meaning underneath, stored as before.
    assert (done.outcome, done.clearance, done.exceptional_reason) == ("solved", "exceptional", "D")
    html = text(page(client, sokha, f"/incidents/{record.reference}/"))
    assert "Solved by exceptional means: The victim will not cooperate" in html


def test_a_public_service_complaint_closes_as_resolved_without_any_arrest_field(client, policy, sokha):
    record = make_incident(sokha, category="public_service", description="No water at the school for a week.")
    html = text(page(client, sokha, f"/incidents/{record.reference}/close/"))
    form = html.split(f'action="/incidents/{record.reference}/close/"')[1].split("</form>")[0]
    assert "arrest" not in form.lower() and 'name="close-result"' in form
    assert "exceptional" not in html.lower() and "People killed" not in html
    response = page(
        client, sokha, f"/incidents/{record.reference}/close/", {"close-version": "1", "close-result": "resolved"}
    )
    assert response.status_code == 302
    done = Incident.objects.get(pk=record.pk)
    assert (done.status, done.outcome, done.clearance, done.arrests) == ("closed", "resolved", "", 0)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Say to which service the case was referred."),
        ("km", None),  # the Khmer of the same message
    ],
)
def test_passing_a_complaint_on_asks_which_service_in_the_reader_s_language(client, policy, sokha, language, message):
    record = make_incident(sokha, category="environment_hygiene")
    if message is None:
        with translation.override("km"):
            message = translation.gettext("Say to which service the case was referred.")
        assert message != "Say to which service the case was referred."
    url = f"/incidents/{record.reference}/close/"
    with nothing_written():
        refused = page(client, sokha, url, {"close-version": "1", "close-result": "referred"}, language)
    assert refused.status_code == 400 and message in text(refused)
    done = page(
        client,
        sokha,
        url,
        {"close-version": "1", "close-result": "referred", "close-referred_to": "Provincial Department of Environment"},
        language,
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.outcome, record.referred_to) == ("referred", "Provincial Department of Environment")


@pytest.mark.parametrize(
    ("language", "english"),
    [("en", True), ("km", False)],
)
def test_a_crime_solved_by_arrest_without_a_number_is_refused_on_its_field(client, policy, sokha, language, english):
    record = make_incident(sokha)
    message = "A case cleared by arrest has at least one person arrested."
    with translation.override(language):
        shown = translation.gettext(message)
    assert (shown == message) is english
    with nothing_written():
        refused = page(
            client,
            sokha,
            f"/incidents/{record.reference}/close/",
            {"close-version": "1", "close-result": "arrest"},
            language,
        )
    assert refused.status_code == 400
    assert shown in text(refused) and 'href="#id_close-arrests"' in text(refused)


def test_a_disaster_records_when_the_response_arrived(client, policy, sokha):
    occurred = timezone.now() - datetime.timedelta(days=2)
    record = make_incident(sokha, category="disaster", occurred_at=occurred)
    url = f"/incidents/{record.reference}/close/"
    with nothing_written():
        refused = page(client, sokha, url, {"close-version": "1", "close-result": "resolved"})
    assert refused.status_code == 400 and "Say when the response arrived." in text(refused)
    arrived = timezone.localtime(occurred + datetime.timedelta(hours=5), datetime.timezone(datetime.timedelta(hours=7)))
    response = page(
        client,
        sokha,
        url,
        {
            "close-version": "1",
            "close-result": "resolved",
            "close-response_at_day": arrived.day,
            "close-response_at_month": arrived.month,
            "close-response_at_year": arrived.year,
            "close-response_at_time": arrived.strftime("%H:%M"),
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.outcome == "resolved"
    assert record.response_at == arrived.replace(second=0, microsecond=0)


def test_the_action_refuses_what_the_kind_does_not_take(policy, sokha):
    service = make_incident(sokha, category="public_service")
    theft = make_incident(sokha)
    disaster = make_incident(sokha, category="disaster")
    with translation.override("en"), nothing_written():
        with pytest.raises(actions.InvalidInput, match="Only a crime is solved"):
            actions.close(service, by=sokha, version=1, outcome="solved", clearance="arrest", arrests=1)
        with pytest.raises(actions.InvalidInput, match="A crime is closed as solved"):
            actions.close(theft, by=sokha, version=1, outcome="resolved")
        with pytest.raises(actions.InvalidInput, match="Only a disaster or an epidemic"):
            actions.close(theft, by=sokha, version=1, outcome="unfounded", note="x", response_at=timezone.now())
        with pytest.raises(actions.InvalidInput, match="Say when the response arrived"):
            actions.close(disaster, by=sokha, version=1, outcome="resolved")
        with pytest.raises(actions.InvalidInput, match="in the future"):
            future = timezone.now() + datetime.timedelta(hours=1)
            actions.close(disaster, by=sokha, version=1, outcome="resolved", response_at=future)
        with pytest.raises(actions.InvalidInput, match="Name a service only"):
            actions.close(service, by=sokha, version=1, outcome="resolved", referred_to="Water office")


# --- the API ------------------------------------------------------------------------------


def test_the_api_closes_each_kind_with_its_own_fields(policy, sokha):
    service = make_incident(sokha, category="public_service")
    url = f"/api/v1/incidents/{service.reference}/close/"
    refused = api(sokha).post(
        url, {"version": 1, "outcome": "solved", "clearance": "arrest", "arrests": 1}, format="json"
    )
    assert "Only a crime is solved" in messages(assert_problem(refused, 400))["outcome"][0]
    refused = api(sokha).post(url, {"version": 1, "outcome": "referred"}, format="json")
    assert messages(assert_problem(refused, 400)) == {"referred_to": ["Say to which service the case was referred."]}
    done = api(sokha).post(url, {"version": 1, "outcome": "referred", "referred_to": "Water office"}, format="json")
    assert done.status_code == 200, done.content
    assert (done.json()["outcome"], done.json()["referred_to"]) == ("referred", "Water office")

    epidemic = make_incident(sokha, category="epidemic")
    url = f"/api/v1/incidents/{epidemic.reference}/close/"
    refused = api(sokha).post(url, {"version": 1, "outcome": "resolved"}, format="json")
    assert messages(assert_problem(refused, 400)) == {"response_at": ["Say when the response arrived."]}
    arrived = (epidemic.occurred_at + datetime.timedelta(hours=1)).isoformat()
    done = api(sokha).post(url, {"version": 1, "outcome": "resolved", "response_at": arrived}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["response_at"] is not None

    theft = make_incident(sokha)
    url = f"/api/v1/incidents/{theft.reference}/close/"
    refused = api(sokha).post(url, {"version": 1, "outcome": "resolved"}, format="json")
    assert "A crime is closed as solved" in messages(assert_problem(refused, 400))["outcome"][0]
    body = {"version": 1, "outcome": "solved", "clearance": "exceptional", "exceptional_reason": "A"}
    done = api(sokha).post(url, body, format="json")
    assert done.status_code == 200 and done.json()["exceptional_reason"] == "A"


def test_the_schema_documents_the_fields_of_each_kind(policy):
    close = api_schema()["components"]["schemas"]["CloseInputRequest"]
    assert {"referred_to", "response_at", "outcome"} <= set(close["properties"])
    assert "resolved" in close["properties"]["outcome"]["description"]
    assert "emergency" in close.get("description", "")


# --- the figures --------------------------------------------------------------------------


def test_the_summaries_stay_equal_to_the_register_after_closures_of_every_kind(policy, sokha, vannak):
    arrived = {"response_at": timezone.now() - datetime.timedelta(minutes=30)}
    closures = [
        ("theft", {"outcome": "solved", "clearance": "arrest", "arrests": 2}),
        ("theft", {"outcome": "solved", "clearance": "exceptional", "exceptional_reason": "E"}),
        ("assault", {"outcome": "transferred", "note": "Provincial court"}),
        ("public_service", {"outcome": "resolved"}),
        ("public_service", {"outcome": "unresolved", "note": "No budget for the road."}),
        ("environment_hygiene", {"outcome": "referred", "referred_to": "Environment office"}),
        ("civil_dispute", {"outcome": "mediated", "note": "Agreement signed."}),
        ("disaster", {"outcome": "resolved", **arrived}),
        ("epidemic", {"outcome": "referred", "referred_to": "Health centre", **arrived}),
    ]
    done = [closed(make_incident(sokha, category=category), sokha, **close) for category, close in closures]
    assert list(differences()) == []
    # Reopened and closed again as something else, the counters move with it.
    reopened = actions.reopen(done[3], by=vannak, version=done[3].version, reason="The tap is still dry.")
    assert list(differences()) == []
    actions.close(reopened, by=sokha, version=reopened.version, outcome="unresolved")
    assert list(differences()) == []
    assert Incident.objects.filter(outcome="resolved").count() == 1
