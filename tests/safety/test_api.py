"""GET /api/v1/safety/{place_code}/{period}/: scoped like the reports, documented in the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.problems import assert_problem
from tests.reports.conftest import local
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_a_commune_officer_reads_the_classification_with_its_evidence(api, sokha, make_record, submit):
    make_record("14030502", "robbery", local(2025, 2))
    submit("140305")
    api.force_authenticate(sokha)
    body = api.get("/api/v1/safety/140305/2025Q1/?framework=2010").json()
    assert (body["overall"], body["framework"]["code"], body["report_submitted"], body["population"]) == (
        "not_safe",
        "2010",
        True,
        11200,
    )
    first = body["criteria"][0]
    assert (first["verdict"], first["reasons"], first["evidence"]["open"]) == ("fail", ["not_suppressed"], 1)
    assert first["explanation_en"].startswith("Solved: 0 of 1; still open: 1.")
    assert first["explanation_km"] and first["explanation_km"] != first["explanation_en"]
    assert first["links"]["open"] == "/incidents/?place=140305&period=2025Q1&criterion=2010-1&status=open"
    assert body["thresholds"]["version"] == "2010-1" and body["thresholds"]["text_km"]
    assert body["history"] == []


def test_the_framework_in_force_is_the_default(api, sokha, places, policy, submit):
    submit("140305")
    api.force_authenticate(sokha)
    body = api.get("/api/v1/safety/140305/2025Q1/").json()
    assert body["framework"]["code"] == "2021" and len(body["criteria"]) == 7
    assert body["overall"] == "not_safe"  # point 5: no forum was held in the quarter


def test_the_neighbouring_commune_is_the_same_404_as_a_missing_one(api, dara, places, policy):
    api.force_authenticate(dara)
    not_yours = api.get("/api/v1/safety/140305/2025Q1/")
    missing = api.get("/api/v1/safety/149999/2025Q1/")
    assert_problem(not_yours, 404)
    assert not_yours.json() == missing.json()
    assert_problem(api.get("/api/v1/safety/1403/2025Q1/"), 404)  # a district is not classified here
    assert_problem(api.get("/api/v1/safety/140306/2025Q1/?framework=1999"), 404)
    assert api.get("/api/v1/safety/140306/2025Q1/").status_code == 200


def test_a_bad_period_is_a_400(api, sokha, policy):
    api.force_authenticate(sokha)
    assert_problem(api.get("/api/v1/safety/140305/2025Q9/"), 400, type="/api/problems/invalid-input/")


def test_the_answer_matches_the_schema(wsgi_app, sokha, make_record, submit, token_for):
    from tests.reports.conftest import close

    close(make_record("14030501", "theft", local(2025, 1)), "solved", local(2025, 2, 1), arrests=1)
    make_record("14030501", "public_service", local(2025, 1))
    submit("140305")
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = wsgi_app
    operation: Any = schema.find_operation_by_label("GET /api/v1/safety/{place_code}/{period}/")
    for code, framework in (("140305", "2010"), ("140305", "2021"), ("14030501", "2021")):
        case = operation.Case(path_parameters={"place_code": code, "period": "2025Q1"}, query={"framework": framework})
        response = case.call(base_url="http://testserver", headers=token_for(sokha))
        assert response.status_code == 200
        case.validate_response(response, checks=[response_schema_conformance])
    # A second call after a change: the earlier decision is in the history.
    make_record("14030501", "robbery", local(2025, 3))
    response = case.call(base_url="http://testserver", headers=token_for(sokha))
    case.validate_response(response, checks=[response_schema_conformance])
    assert [old["overall"] for old in response.json()["history"]] == ["not_safe"]
