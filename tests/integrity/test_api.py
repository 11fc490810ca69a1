"""GET /api/v1/integrity/flags/?place=…&period=…"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from safevillage.integrity.models import Flag

pytestmark = pytest.mark.django_db
URL = "/api/v1/integrity/flags/"


def api(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_flags_of_a_place_and_period_in_both_languages(make_flag: Callable[..., Flag], chenda: object) -> None:
    flag = make_flag()
    make_flag(period="2025Q3")
    body = api(chenda).get(URL, {"place": "14", "period": "2025Q4"}).json()
    assert [row["id"] for row in body["results"]] == [flag.pk]
    row = body["results"][0]
    assert row["rule"] == "mediation_not_allowed" and row["status"] == "open"
    assert row["explanation_en"] and row["explanation_km"] and row["name_km"]
    assert row["register_query"] == {"place": "140305", "period": "2025Q4", "outcome": "mediated"}


def test_a_place_not_yours_is_the_same_404_as_a_missing_one(make_flag: Callable[..., Flag], vannak: object) -> None:
    make_flag(code="140401")
    outside = api(vannak).get(URL, {"place": "140401"})
    missing = api(vannak).get(URL, {"place": "149999"})
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["title"] == missing.json()["title"]


def test_commune_police_are_refused_and_a_bad_period_is_a_400(sokha: object, vannak: object) -> None:
    assert api(sokha).get(URL).status_code == 403
    assert api(vannak).get(URL, {"period": "2025Q7"}).status_code == 400


def test_the_operation_is_in_the_schema(national: object) -> None:
    schema = api(national).get("/api/schema/?format=json").json()
    assert "/api/v1/integrity/flags/" in schema["paths"]
