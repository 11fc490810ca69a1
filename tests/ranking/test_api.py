"""GET /api/v1/rankings/{place_code}/{period}/: scoped like the reports, documented in the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.problems import assert_problem
from tests.reports.conftest import change, close, local
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def records(make_record, submit, sokha):
    solved = close(make_record("14030501", "theft", local(2025, 1)), "solved", local(2025, 2, 1), arrests=1)
    change(solved, assigned_to=sokha)
    make_record("14030601", "robbery", local(2025, 3))
    submit("140305")


def test_the_communes_of_a_province(api, national, records):
    api.force_authenticate(national)
    body = api.get("/api/v1/rankings/14/2025Q1/?level=commune").json()
    assert (body["area"], body["period"], body["level"], body["weights"]["version"]) == (
        "14",
        "2025Q1",
        "commune",
        "2010-1",
    )
    assert [row["code"] for row in body["rows"]] and {row["code"] for row in body["rows"]} == {
        "140305",
        "140306",
        "140401",
    }
    kansoam = next(row for row in body["rows"] if row["code"] == "140305")
    rate = next(i for i in kansoam["indicators"] if i["name"] == "offence_rate")
    assert rate["numerator"] == 1 and rate["link"] == "/incidents/?place=140305&period=2025Q1&crime=true&status=counted"
    # 1 offence over 11,200 residents for a quarter: 1 / 2.8 thousand resident-years.
    assert rate["raw"] == pytest.approx(1 / 2.8, abs=1e-4)
    assert kansoam["rank_low"] <= kansoam["rank"] <= kansoam["rank_high"]
    assert {p["code"] for p in body["funnel"]["points"]} == {"140305", "140306", "140401"}


def test_the_officers_of_a_commune(api, sokha, records):
    api.force_authenticate(sokha)
    body = api.get("/api/v1/rankings/140305/2025Q1/?level=officer").json()
    assert body["funnel"] is None
    assert [(row["name"], row["handled"], row["rank"]) for row in body["rows"]] == [("Sokha Chan", 1, 1)]


def test_another_area_is_the_same_404_as_a_missing_one(api, dara, places):
    api.force_authenticate(dara)
    not_yours = api.get("/api/v1/rankings/140305/2025Q1/?level=officer")
    missing = api.get("/api/v1/rankings/149999/2025Q1/?level=officer")
    assert_problem(not_yours, 404)
    assert not_yours.json() == missing.json()
    assert_problem(api.get("/api/v1/rankings/KH/2025Q1/"), 404)
    assert_problem(api.get("/api/v1/rankings/14030601/2025Q1/"), 404)  # villages are not areas here
    assert api.get("/api/v1/rankings/140306/2025Q1/?level=officer").status_code == 200


def test_a_bad_period_is_a_400_and_a_level_that_does_not_fit_a_404(api, national, places):
    api.force_authenticate(national)
    assert_problem(api.get("/api/v1/rankings/14/2025Q9/"), 400, type="/api/problems/invalid-input/")
    # No ranking of officers of a province: nothing to answer about.
    assert_problem(api.get("/api/v1/rankings/14/2025Q1/?level=officer"), 404)


def test_the_answer_matches_the_schema(wsgi_app, national, sokha, records, token_for):
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = wsgi_app
    operation: Any = schema.find_operation_by_label("GET /api/v1/rankings/{place_code}/{period}/")
    for user, code, level in ((national, "KH", "commune"), (national, "1403", "commune"), (sokha, "140305", "officer")):
        case = operation.Case(path_parameters={"place_code": code, "period": "2025Q1"}, query={"level": level})
        response = case.call(base_url="http://testserver", headers=token_for(user))
        assert response.status_code == 200
        case.validate_response(response, checks=[response_schema_conformance])
