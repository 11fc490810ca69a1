"""A field client learns the policy's codes from the API: the categories (names in both
languages, the criterion of each framework they count against, whether the public may use
them), the context tags and the criteria; the public complaint form's categories without an
account."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from safevillage.policy.models import Category

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def all_rows(client: APIClient, path: str) -> list[dict]:
    body = client.get(path, {"limit": 500}).json()
    assert body["count"] == len(body["results"])
    return body["results"]


def test_a_field_client_reads_every_category_with_its_codes_names_and_criteria(policy, sokha):
    rows = {row["code"]: row for row in all_rows(api(sokha), "/api/v1/categories/")}
    assert set(rows) == set(Category.objects.values_list("code", flat=True))
    theft = rows["theft"]
    category = Category.objects.select_related("point_2021__framework").get(code="theft")
    assert theft["name_en"] == category.name_en and theft["name_km"] == category.name_km
    assert theft["point_2021"] == f"2021-{category.point_2021.number}"
    assert theft["public"] is True
    assert rows["trafficking"]["public"] is False and rows["trafficking"]["sensitive"] is True


def test_the_criterion_keys_are_the_register_filters_values(policy, sokha):
    client = api(sokha)
    criteria = all_rows(client, "/api/v1/criteria/")
    assert {"2010", "2021"} == {row["framework"] for row in criteria}
    for row in criteria:
        assert row["key"] == f"{row['framework']}-{row['number']}"
        assert row["name_en"] and row["name_km"]
        assert client.get("/api/v1/incidents/", {"criterion": row["key"]}).status_code == 200


def test_context_tags_have_codes_and_both_names(policy, sokha):
    tags = all_rows(api(sokha), "/api/v1/context-tags/")
    assert {"family", "gang", "weapon", "juvenile"} <= {row["code"] for row in tags}
    assert all(row["name_en"] and row["name_km"] for row in tags)


def test_the_lists_are_paginated_like_the_rest(policy, sokha):
    body = api(sokha).get("/api/v1/categories/", {"limit": 2}).json()
    assert len(body["results"]) == 2 and body["next"] and body["count"] > 2


def test_without_an_account_only_the_public_forms_categories(policy):
    assert api().get("/api/v1/categories/").status_code == 401
    assert api().get("/api/v1/criteria/").status_code == 401
    public = all_rows(api(), "/api/v1/public/categories/")
    offered = set(Category.objects.filter(active=True, sensitive=False).values_list("code", flat=True))
    assert {row["code"] for row in public} == offered
    assert "trafficking" not in offered
    assert set(public[0]) == {"code", "name_km", "name_en"}


def test_the_lists_are_read_only(sokha):
    for path in ("/api/v1/categories/", "/api/v1/public/categories/", "/api/v1/context-tags/", "/api/v1/criteria/"):
        assert api(sokha).post(path, {}, format="json").status_code == 405
