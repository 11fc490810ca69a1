"""Reading the register and acting on records through the API, as the personas."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.intake import PersonData
from safevillage.incidents.models import Incident, Status
from tests.factories import closed, make_incident, nothing_written
from tests.problems import assert_problem, messages

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(policy, sokha, dara):
    """Sokha's record in Kansoam Ak (a victim named) and Dara's in the neighbouring commune."""
    return {
        "sokha": make_incident(sokha, people=[PersonData(role="victim", sex="female", name="Srey Mom")]),
        "dara": make_incident(dara, village="14030601", category="assault"),
    }


def test_the_list_holds_only_the_callers_area(records, sokha, vannak):
    assert [r["reference"] for r in api(sokha).get("/api/v1/incidents/").json()["results"]] == [
        records["sokha"].reference
    ]
    assert {r["reference"] for r in api(vannak).get("/api/v1/incidents/").json()["results"]} == {
        records["sokha"].reference,
        records["dara"].reference,
    }


def test_the_list_never_carries_names(records, sokha):
    [row] = api(sokha).get("/api/v1/incidents/").json()["results"]
    assert row["people"][0]["name"] is None
    assert not AuditEvent.objects.filter(action="incident.view_identity").exists()


def test_the_list_is_filtered_like_the_register_page(records, vannak):
    rows = api(vannak).get("/api/v1/incidents/?category=assault").json()["results"]
    assert [r["reference"] for r in rows] == [records["dara"].reference]
    assert api(vannak).get("/api/v1/incidents/?place=140305").json()["count"] == 1


def test_a_bad_filter_is_a_400_with_its_message(records, vannak):
    response = api(vannak).get("/api/v1/incidents/?status=lost&period=2026-13")
    body = assert_problem(response, 400, type="/api/problems/invalid-input/")
    assert messages(body) == {
        "status": ["Unknown status."],
        "period": ["A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026)."],
    }
    assert body["detail"] == "There are 2 errors; each is listed in errors."


def test_an_empty_filter_is_a_400_but_an_empty_search_is_no_search(records, vannak):
    # The page's form sends empty fields meaning "any"; the API's schema has no empty period.
    response = api(vannak).get("/api/v1/incidents/?period=&place=14&sort= ")
    body = assert_problem(response, 400, type="/api/problems/invalid-input/")
    assert messages(body) == {name: ["Give a value, or leave the parameter out."] for name in ("period", "sort")}
    assert api(vannak).get("/api/v1/incidents/?q=").json()["count"] == 2
    assert api(vannak).get("/incidents/?period=&place=14").status_code in (200, 302)


def test_the_neighbouring_officer_gets_the_same_404_as_for_a_missing_record(records, dara):
    reference = records["sokha"].reference
    missing = api(dara).get("/api/v1/incidents/14-1403-2026-999999/")
    mine = api(dara).get(f"/api/v1/incidents/{reference}/")
    assert assert_problem(missing, 404, type="about:blank") == assert_problem(mine, 404)
    with nothing_written():
        response = api(dara).post(f"/api/v1/incidents/{reference}/acknowledge/", {"version": 1}, format="json")
    assert response.status_code == 404


def test_the_officer_reads_the_victims_name_and_the_view_is_audited(records, sokha):
    record = records["sokha"]
    body = api(sokha).get(f"/api/v1/incidents/{record.reference}/").json()
    assert body["people"][0]["name"] == "Srey Mom"
    event = AuditEvent.objects.get(action="incident.view_identity")
    assert (event.actor, event.target_id, event.place_code) == (sokha, str(record.pk), "14030501")
    assert verify_chain().intact


def test_a_supervisor_reads_the_record_without_names(records, vannak):
    body = api(vannak).get(f"/api/v1/incidents/{records['sokha'].reference}/").json()
    assert body["people"][0]["name"] is None and body["complainant"] is None
    assert not AuditEvent.objects.filter(action="incident.view_identity").exists()


def test_actions_through_the_api_bump_the_version_and_write_one_event_each(records, sokha):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    client = api(sokha)
    before = AuditEvent.objects.count()
    assert client.post(f"{base}/acknowledge/", {"version": 1}, format="json").json()["status"] == "acknowledged"
    assert client.post(f"{base}/investigate/", {"version": 2}, format="json").json()["status"] == "investigating"
    assert client.post(f"{base}/note/", {"version": 3, "text": "Visited."}, format="json").status_code == 200
    body = client.post(
        f"{base}/close/",
        {"version": 4, "outcome": "solved", "clearance": "exceptional", "exceptional_reason": "A"},
        format="json",
    ).json()
    assert (body["status"], body["outcome"], body["clearance"], body["version"]) == (
        "closed",
        "solved",
        "exceptional",
        5,
    )
    assert [e.action for e in AuditEvent.objects.order_by("seq")[before:]] == [
        "incident.acknowledge",
        "incident.start_investigation",
        "incident.add_note",
        "incident.close",
    ]
    assert verify_chain().intact


def test_a_stale_version_is_a_409_and_writes_nothing(records, sokha):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    api(sokha).post(f"{base}/acknowledge/", {"version": 1}, format="json")
    with nothing_written():
        response = api(sokha).post(f"{base}/investigate/", {"version": 1}, format="json")
    body = assert_problem(
        response, 409, type="/api/problems/changed-meanwhile/", errors=[{"code": "changed_meanwhile", "attr": None}]
    )
    assert body["detail"].startswith("Someone else changed this record")


def test_a_transition_not_allowed_is_a_400(records, sokha, vannak):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    with nothing_written():
        response = api(vannak).post(f"{base}/reopen/", {"version": 1, "reason": "Check."}, format="json")
    assert_problem(
        response,
        400,
        type="/api/problems/not-allowed/",
        errors=[{"code": "not_allowed", "attr": None, "detail": "A record that is “Received” cannot be reopened."}],
    )


def test_closing_trafficking_as_mediated_is_a_400(policy, sokha):
    record = make_incident(sokha, category="trafficking")
    with nothing_written():
        response = api(sokha).post(
            f"/api/v1/incidents/{record.reference}/close/", {"version": 1, "outcome": "mediated"}, format="json"
        )
    body = assert_problem(response, 400, errors=[{"attr": "outcome"}])
    assert body["detail"] == "A case of “Human trafficking” cannot be mediated out of court."


def test_action_bodies_are_checked(records, sokha):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    with nothing_written():
        response = api(sokha).post(f"{base}/acknowledge/", {}, format="json")
        assert_problem(
            response, 400, errors=[{"attr": "version", "code": "required", "detail": "This field is required."}]
        )
        response = api(sokha).post(f"{base}/close/", {"version": 1, "outcome": "vanished"}, format="json")
        assert_problem(response, 400, errors=[{"attr": "outcome", "detail": '"vanished" is not a valid choice.'}])
        response = api(sokha).post(f"{base}/close/", {"version": 1, "outcome": "solved", "arrests": -1}, format="json")
        assert_problem(
            response, 400, errors=[{"attr": "arrests", "detail": "Ensure this value is greater than or equal to 0."}]
        )


def test_assigning_by_username_reveals_nothing_about_other_accounts(records, sokha, dara):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    for username in ("dara", "nobody-by-this-name"):
        with nothing_written():
            response = api(sokha).post(f"{base}/assign/", {"version": 1, "assignee": username}, format="json")
        assert_problem(
            response,
            400,
            type="/api/problems/invalid-input/",
            errors=[
                {"attr": "assignee", "detail": "This person does not record or investigate incidents at this place."}
            ],
        )
    assert api(sokha).post(f"{base}/assign/", {"version": 1, "assignee": "sokha"}, format="json").status_code == 200


def test_a_supervisor_reopens_and_the_officer_may_not(records, sokha, vannak):
    record = closed(records["sokha"], sokha)
    base = f"/api/v1/incidents/{record.reference}"
    with nothing_written():
        assert (
            api(sokha).post(f"{base}/reopen/", {"version": record.version, "reason": "x"}, format="json").status_code
            == 403
        )
    response = api(vannak).post(f"{base}/reopen/", {"version": record.version, "reason": "Released."}, format="json")
    assert response.json()["status"] == Status.UNDER_REVIEW
    assert Incident.objects.get(pk=record.pk).reopened_count == 1


def test_withdrawing_through_the_api_keeps_the_record(records, sokha):
    base = f"/api/v1/incidents/{records['sokha'].reference}"
    with nothing_written():
        response = api(sokha).post(f"{base}/withdraw/", {"version": 1, "reason": ""}, format="json")
    assert_problem(response, 400, errors=[{"attr": "reason", "detail": "Say why the record is withdrawn."}])
    assert api(sokha).post(f"{base}/withdraw/", {"version": 1, "reason": "Twice."}, format="json").status_code == 200
    assert api(sokha).get(f"{base}/").json()["status"] == "withdrawn"


def test_the_list_costs_the_same_queries_for_three_records_or_nine(policy, sokha):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(sokha).get("/api/v1/incidents/").status_code == 200
        return len(queries)

    for _ in range(3):
        make_incident(sokha, people=[PersonData(role="witness")], tags=["gang"])
    few = count()
    for _ in range(6):
        make_incident(sokha, people=[PersonData(role="witness")], tags=["gang"])
    assert count() == few
