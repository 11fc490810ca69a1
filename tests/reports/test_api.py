"""GET /api/v1/reports/{place}/{period}/: figures with their definitions, scoped like the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from safevillage.core.periods import Period
from safevillage.reports import approval
from tests.problems import assert_problem
from tests.reports.conftest import local


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_the_report_with_every_indicator_defined(api, national, kandal_records):
    api.force_authenticate(national)
    response = api.get("/api/v1/reports/08/2022/")
    assert response.status_code == 200
    body = response.json()
    assert (body["place"]["code"], body["period"], body["previous"], body["status"]) == ("08", "2022", "2021", "draft")
    assert body["figures_from"] == "live"
    codes = [i["code"] for i in body["indicators"]]
    assert codes[:5] == ["reported", "reported_previous", "change_previous", "reported_year_earlier", "change_year"]
    assert all(i["formula_en"] and i["formula_km"] and i["name_km"] for i in body["indicators"])
    crime = next(r for r in body["rows"] if r["key"] == "crime")
    assert crime["values"]["reported"] == 110 and crime["values"]["change_year"] == "-78.00"
    assert crime["links"]["reported"].startswith("/incidents/?place=08&period=2022")


def test_a_sent_up_report_returns_its_snapshot_unless_live_is_asked(api, sokha, make_record, places):
    make_record("14030501", "theft", local(2025, 10, 3))
    approval.submit(places["140305"], Period.parse("202510"), by=sokha)
    make_record("14030501", "theft", local(2025, 10, 9))
    api.force_authenticate(sokha)
    sent = api.get("/api/v1/reports/140305/202510/").json()
    live = api.get("/api/v1/reports/140305/202510/?live=1").json()
    assert (sent["figures_from"], sent["status"]) == ("snapshot", "submitted")
    assert sent["rows"][0]["values"]["reported"] == 1 and live["rows"][0]["values"]["reported"] == 2


def test_missing_and_not_yours_are_the_same_404(api, dara, make_record):
    make_record("14030501", "theft", local(2025, 10, 3))
    api.force_authenticate(dara)
    not_yours = api.get("/api/v1/reports/140305/202510/")
    missing = api.get("/api/v1/reports/149999/202510/")
    country = api.get("/api/v1/reports/KH/202510/")
    nonsense = api.get("/api/v1/reports/abc/202510/")
    assert not_yours.status_code == missing.status_code == country.status_code == nonsense.status_code == 404
    assert not_yours.json() == missing.json()
    assert api.get("/api/v1/reports/140306/202510/").status_code == 200


def test_a_bad_period_is_a_400_naming_the_period(api, sokha):
    api.force_authenticate(sokha)
    response = api.get("/api/v1/reports/140305/2025S3/", HTTP_ACCEPT_LANGUAGE="en")
    [error] = assert_problem(response, 400, type="/api/problems/invalid-input/")["errors"]
    assert error["attr"] == "period" and "S1" in error["detail"]


@pytest.mark.parametrize("period", ["1979", "1979Q1", "197901"])
def test_a_period_without_a_year_before_to_compare_with_is_a_400_not_a_server_error(api, sokha, period):
    api.force_authenticate(sokha)
    response = api.get(f"/api/v1/reports/140305/{period}/", HTTP_ACCEPT_LANGUAGE="en")
    problem = assert_problem(response, 400)
    assert "1979" in problem["detail"]


def test_signed_out_callers_are_refused(api, policy, places):
    assert api.get("/api/v1/reports/140305/202510/").status_code in (401, 403)


def test_the_endpoint_is_documented(api, national):
    api.force_authenticate(national)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/reports/{place_code}/{period}/" in schema
    assert "figures_from" in schema
