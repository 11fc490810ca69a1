"""The audit API is for auditors only; each reads the events of their own jurisdiction."""

from __future__ import annotations

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from safevillage.audit.log import record_event
from tests.audit.conftest import TABLE, as_attacker
from tests.problems import assert_problem

VERIFY = "/api/v1/audit/verify/"
EVENTS = "/api/v1/audit/events/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def events_across_the_country(sokha, dara, national):
    """One event in each of the two neighbouring communes, one in Kandal, one with no place."""
    with transaction.atomic():
        record_event(
            "incidents.incident.create",
            actor=sokha,
            target_type="incidents.incident",
            target_id="1",
            place_code="14030501",
        )
        record_event(
            "incidents.incident.create",
            actor=dara,
            target_type="incidents.incident",
            target_id="2",
            place_code="14030601",
        )
        record_event(
            "incidents.incident.create",
            actor=None,
            target_type="incidents.incident",
            target_id="3",
            place_code="08010101",
        )
        record_event("accounts.assignment.add", actor=national, target_type="accounts.roleassignment", target_id="7")
        record_event(
            "incidents.incident.update",
            actor=sokha,
            target_type="incidents.incident",
            target_id="1",
            place_code="14030501",
            old={"status": "open"},
            new={"status": "investigating"},
            reason="ស៊ើបអង្កេត",
        )


def test_a_provincial_auditor_reads_an_intact_verdict(sophea, events_across_the_country):
    response = api(sophea).get(VERIFY)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "intact": True,
        "events": 5,
        "broken_at": None,
        "problem": "",
        "head": {"seq": 5, "hash": body["head"]["hash"]},
    }
    assert len(body["head"]["hash"]) == 64


def test_the_verdict_names_the_first_broken_link(rotha, events_across_the_country):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE seq = 5", ["nothing"])  # noqa: S608
    body = api(rotha).get(VERIFY).json()
    assert (body["intact"], body["broken_at"]) == (False, 5)
    assert body["problem"]


def test_a_superuser_may_verify(make_user, events_across_the_country):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    assert api(admin).get(VERIFY).status_code == 200


@pytest.mark.parametrize("persona", ["sokha", "vannak", "chenda", "national", "nobody"])
def test_everyone_but_auditors_is_refused(request, persona, events_across_the_country):
    user = request.getfixturevalue(persona)
    assert api(user).get(VERIFY).status_code == 403
    assert api(user).get(EVENTS).status_code == 403


def test_an_anonymous_caller_is_refused(events_across_the_country):
    assert api().get(VERIFY).status_code in (401, 403)
    assert api().get(EVENTS).status_code in (401, 403)


def test_an_ended_auditor_assignment_gives_no_access(sophea, events_across_the_country):
    from django.utils import timezone

    sophea.assignments.update(ended_at=timezone.now())
    assert api(sophea).get(VERIFY).status_code == 403


def test_a_provincial_auditor_sees_the_events_of_the_province_newest_first(sophea, events_across_the_country):
    body = api(sophea).get(EVENTS).json()
    assert body["count"] == 3
    assert [(e["seq"], e["place_code"]) for e in body["results"]] == [
        (5, "14030501"),
        (2, "14030601"),
        (1, "14030501"),
    ]
    newest = body["results"][0]
    assert newest["old"] == {"status": "open"}
    assert newest["new"] == {"status": "investigating"}
    assert newest["reason"] == "ស៊ើបអង្កេត"
    assert newest["actor_label"] == "Sokha Chan"
    assert len(newest["hash"]) == 64


def test_a_commune_auditor_does_not_see_the_neighbouring_commune(bopha, events_across_the_country):
    body = api(bopha).get(EVENTS).json()
    assert [e["place_code"] for e in body["results"]] == ["14030601"]


def test_a_national_auditor_sees_every_event_including_those_bound_to_no_place(rotha, events_across_the_country):
    body = api(rotha).get(EVENTS).json()
    assert [e["seq"] for e in body["results"]] == [5, 4, 3, 2, 1]
    assert body["results"][1]["place_code"] is None


def test_events_are_listed_for_one_target(sophea, events_across_the_country):
    body = api(sophea).get(EVENTS, {"target_type": "incidents.incident", "target_id": "1"}).json()
    assert [e["seq"] for e in body["results"]] == [5, 1]
    # Another province's target reads as nothing at all.
    assert api(sophea).get(EVENTS, {"target_type": "incidents.incident", "target_id": "3"}).json()["count"] == 0


def test_events_are_paginated(rotha, events_across_the_country):
    body = api(rotha).get(EVENTS, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [e["seq"] for e in body["results"]] == [3, 2]
    assert body["next"] and body["previous"]


def test_a_nul_character_in_a_filter_is_a_clear_error(rotha, events_across_the_country):
    response = api(rotha).get(EVENTS, {"target_id": "1\x00"})
    assert_problem(response, 400, errors=[{"attr": "target_id"}])


def test_the_event_list_reads_in_a_fixed_number_of_queries(rotha, events_across_the_country, django_assert_num_queries):
    # Assignments, count, page: the same however many events.
    with django_assert_num_queries(3):
        assert api(rotha).get(EVENTS).status_code == 200


def test_the_openapi_schema_documents_both_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    verify = schema["paths"][VERIFY]["get"]
    assert verify["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Verdict"
    }
    assert {"401", "403"} <= set(verify["responses"])
    events = schema["paths"][EVENTS]["get"]
    assert {p["name"] for p in events["parameters"]} >= {"target_type", "target_id", "limit", "offset"}
    page = events["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert page == "PaginatedAuditEventList"
    components = schema["components"]["schemas"]
    assert set(components["Verdict"]["properties"]) == {"intact", "events", "broken_at", "problem", "head"}
    assert set(components["ChainHead"]["properties"]) == {"seq", "hash"}
    assert {"seq", "place_code", "old", "new", "hash", "prev_hash"} <= set(components["AuditEvent"]["properties"])
