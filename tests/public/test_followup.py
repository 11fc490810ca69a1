"""A complainant follows a complaint with the receipt code alone: the API and the web page."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents import receipts
from safevillage.incidents.models import Channel, Incident, InvolvedPerson, Note, PersonRole, Status
from tests.incidents.factories_register import NOW, incident
from tests.problems import assert_problem

pytestmark = pytest.mark.django_db

STATUS_URL = "/api/v1/public/complaints/status/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The throttle counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def complaint(village, *, status: str = Status.RECEIVED, **fields) -> tuple[Incident, str]:
    code = receipts.new_receipt()
    record = incident(
        village,
        status=status,
        channel=Channel.PUBLIC_WEB,
        receipt_hash=receipts.receipt_hash(code),
        complainant_name="Chan Sreymom",
        complainant_phone="012345678",
        **fields,
    )
    return record, code


@pytest.fixture
def answered(places, sokha):
    """A closed complaint with a public note, an internal note and a named suspect."""
    record, code = complaint(places["14030501"], status=Status.CLOSED, acknowledged_at=NOW - datetime.timedelta(days=1))
    Note.objects.create(incident=record, author=sokha, text="We spoke to both families.", public=True)
    Note.objects.create(incident=record, author=sokha, text="Suspect is the chief's nephew.", public=False)
    InvolvedPerson.objects.create(incident=record, role=PersonRole.SUSPECT, name="Keo Sophal")
    return record, code


def ask(code, client=None):
    return (client or APIClient()).post(STATUS_URL, {"receipt": code}, format="json")


def test_the_status_answer_holds_public_notes_only_and_no_names(answered):
    record, code = answered
    response = ask(code)
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == record.reference
    assert (body["status"], body["status_label"]) == ("closed", "Closed")
    assert body["outcome"] == "mediated"
    assert body["can_answer"] is True
    assert [n["text"] for n in body["notes"]] == ["We spoke to both families."]
    text = response.content.decode()
    for secret in ("nephew", "Keo Sophal", "Chan Sreymom", "012345678", "Sokha", "sokha", "author"):
        assert secret not in text


def test_the_code_may_be_typed_in_lower_case_without_hyphens(answered):
    record, code = answered
    assert ask(code.replace("-", " ").lower()).json()["reference"] == record.reference


@pytest.mark.parametrize("bad", ["ABCD-1234-EFGH-5678", "nonsense", "", "A" * 500])
def test_unknown_or_malformed_receipt_gets_the_same_404(answered, bad):
    response = ask(bad)
    assert_problem(
        response,
        404,
        type="about:blank",
        errors=[{"code": "not_found", "detail": "No complaint has this receipt code. Check the code and try again."}],
    )


def test_a_body_without_a_receipt_is_a_404_too(answered):
    assert APIClient().post(STATUS_URL, {}, format="json").status_code == 404
    assert APIClient().post(STATUS_URL, ["x"], format="json").status_code == 404


def test_the_receipt_is_never_taken_from_the_url(answered):
    _record, code = answered
    assert APIClient().get(STATUS_URL, {"receipt": code}).status_code == 405


def test_look_ups_are_throttled_per_address(answered, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"receipt": "3/hour"}}
    _record, code = answered
    client = APIClient()
    assert [ask(code, client).status_code for _ in range(3)] == [200, 200, 200]
    refused = ask(code, client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Guessing codes counts in the same budget: the web page is refused too.
    assert APIClient().post("/public/status/", {"receipt": code}).status_code == 429


def test_a_made_up_forwarded_address_does_not_reset_the_count(answered, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"receipt": "2/hour"}}
    _record, code = answered
    statuses = [
        APIClient().post(STATUS_URL, {"receipt": code}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_endpoint_is_documented_in_the_schema():
    schema = APIClient().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/public/complaints/status/"]["post"]
    assert operation["operationId"] == "public_complaint_status"
    assert "ReceiptRequest" in operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(operation["responses"]) >= {"200", "404", "429"}


# --- The web page -------------------------------------------------------------------------


def test_the_page_asks_for_the_receipt_and_shows_the_status_in_words(client, places):
    record, code = complaint(places["14030501"], status=Status.INVESTIGATING)
    assert "Receipt code" in client.get("/public/status/").content.decode()
    html = client.post("/public/status/", {"receipt": code}).content.decode()
    assert record.reference in html
    assert "Under investigation" in html
    assert "Is your problem resolved?" not in html  # asked only once it is closed


def test_the_page_says_the_same_thing_for_an_unknown_code(client, places):
    response = client.post("/public/status/", {"receipt": "ABCD-1234-EFGH-5678"})
    assert response.status_code == 404
    assert "No complaint has this receipt code." in response.content.decode()


def test_a_closed_complaint_asks_whether_the_problem_is_resolved(client, answered):
    _record, code = answered
    html = client.post("/public/status/", {"receipt": code}).content.decode()
    assert "Is your problem resolved?" in html
    assert "We spoke to both families." in html
    assert "nephew" not in html and "Keo Sophal" not in html and "Chan Sreymom" not in html


def test_answering_no_sends_the_complaint_back_for_review(client, answered):
    record, code = answered
    response = client.post("/public/status/feedback/", {"receipt": code, "resolved": "no", "comment": "Still noisy"})
    assert response.status_code == 200
    assert "sent back to the police for review" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.UNDER_REVIEW
    assert record.complainant_satisfied is False
    assert record.outcome == ""
    assert Note.objects.filter(incident=record, text="Still noisy", public=False).exists()
    event = AuditEvent.objects.get(action="incident.complainant_feedback")
    assert event.actor_id is None
    assert verify_chain().intact


def test_answering_yes_keeps_it_closed_and_cannot_be_repeated(client, answered):
    record, code = answered
    assert client.post("/public/status/feedback/", {"receipt": code, "resolved": "yes"}).status_code == 200
    record.refresh_from_db()
    assert (record.status, record.complainant_satisfied) == (Status.CLOSED, True)
    html = client.post("/public/status/", {"receipt": code}).content.decode()
    assert "Is your problem resolved?" not in html
    assert "You told us the problem is resolved." in html
    again = client.post("/public/status/feedback/", {"receipt": code, "resolved": "no"})
    assert again.status_code == 400
    record.refresh_from_db()
    assert record.status == Status.CLOSED


def test_an_answer_must_be_yes_or_no_and_nothing_is_written_otherwise(client, answered):
    record, code = answered
    response = client.post("/public/status/feedback/", {"receipt": code, "resolved": "maybe"})
    assert response.status_code == 400
    assert "Choose “Yes” or “No”." in response.content.decode()
    record.refresh_from_db()
    assert record.complainant_satisfied is None
    assert not AuditEvent.objects.filter(action="incident.complainant_feedback").exists()


def test_feedback_with_an_unknown_code_changes_nothing(client, answered):
    response = client.post("/public/status/feedback/", {"receipt": "ABCD-1234-EFGH-5678", "resolved": "no"})
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_web_page_is_throttled_too(client, answered, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"receipt": "2/hour"}}
    codes = ["ABCD-1234-EFGH-5678", "ABCD-1234-EFGH-5679"]
    assert [client.post("/public/status/", {"receipt": c}).status_code for c in codes] == [404, 404]
    response = client.post("/public/status/", {"receipt": answered[1]})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
