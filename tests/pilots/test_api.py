"""/api/v1/pilots/ and a pilot's evaluation over the API."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from safevillage.accounts.roles import Role
from safevillage.pilots.models import Pilot

pytestmark = pytest.mark.django_db
KHMER = re.compile(r"[\u1780-\u17ff]")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_evaluation_in_numbers_and_in_both_languages(chenda, district, mark):
    codes = district(20260101)
    pilot = mark(codes[:2])
    response = api(chenda).get(f"/api/v1/pilots/{pilot.pk}/evaluation/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["level"] == 3
    assert body["quarters_before"][0] == "2023Q1"
    offences = next(o for o in body["indicators"] if o["indicator"] == "offences")
    assert offences["evaluated"] is True
    assert offences["effect"]["low"] <= offences["effect"]["estimate"] <= offences["effect"]["high"]
    assert offences["pre_trend"]["verdict"] in {"matched", "differed", "unchecked"}
    assert "95 % confidence interval" in offences["text_en"]["effect"]
    assert KHMER.search(offences["text_km"]["effect"]) and KHMER.search(offences["text_km"]["trend"])
    assert len(body["caveats_en"]) == len(body["caveats_km"]) == 5
    assert all(KHMER.search(text) for text in body["caveats_km"])
    pilots = [p for p in body["places"] if p["pilot"]]
    assert [p["code"] for p in pilots] == codes[:2]
    assert len(body["places"]) > 2


def test_list_and_one_scoped_to_the_province(chenda, national, make_user, places, mark):
    pilot = mark(["140305"])
    assert [p["id"] for p in api(chenda).get("/api/v1/pilots/").json()["results"]] == [pilot.pk]
    assert api(national).get(f"/api/v1/pilots/{pilot.pk}/").json()["places"][0]["code"] == "140305"
    kandal = make_user("kandal", Role.PROVINCIAL_SECRETARIAT, places["08"])
    assert api(kandal).get("/api/v1/pilots/").json()["results"] == []
    for path in (f"/api/v1/pilots/{pilot.pk}/", f"/api/v1/pilots/{pilot.pk}/evaluation/"):
        hidden = api(kandal).get(path)
        missing = api(kandal).get(path.replace(str(pilot.pk), str(pilot.pk + 1000)))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


def test_marking_a_pilot_over_the_api(chenda, vannak, places):
    body = {
        "name": "Post boxes in every village",
        "description": "Paper tips collected weekly.",
        "starts_on": "2025-04-01",
        "place_codes": ["1403"],
    }
    created = api(chenda).post("/api/v1/pilots/", body, format="json")
    assert created.status_code == 201
    assert created.json()["places"] == [{"code": "1403", "name_km": "កំពង់ត្របែក", "name_latin": "Kampong Trabaek"}]
    assert api(vannak).post("/api/v1/pilots/", body, format="json").status_code == 403
    outside = api(chenda).post("/api/v1/pilots/", body | {"place_codes": ["0801"]}, format="json")
    assert outside.status_code == 400
    assert outside.json()["errors"][0]["attr"] == "place_codes"
    assert Pilot.objects.count() == 1
