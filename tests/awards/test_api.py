"""/api/v1/awards/: the rounds a caller may see, one round with its nominations and evidence."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from safevillage.awards import actions

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped(province_round, chenda, vannak, auditor):
    assert [r["id"] for r in _api(chenda).get("/api/v1/awards/").json()["results"]] == [province_round.pk]
    assert [r["id"] for r in _api(auditor).get("/api/v1/awards/?year=2025").json()["results"]] == [province_round.pk]
    assert _api(auditor).get("/api/v1/awards/?year=2024").json()["results"] == []
    assert _api(vannak).get("/api/v1/awards/").json()["results"] == []
    assert _api(chenda).get("/api/v1/awards/?year=twenty").status_code == 400


def test_the_detail_carries_the_nominations_and_evidence(province_round, chenda, vannak):
    nomination = province_round.nominations.get(subject_code="140401")
    actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=1)
    body = _api(chenda).get(f"/api/v1/awards/{province_round.pk}/").json()
    assert body["level"] == "province" and body["year"] == 2025
    rows = {row["subject_code"]: row for row in body["nominations"]}
    assert rows["140401"]["decision"] == "awarded" and rows["140401"]["decided_by"] == "Chenda Sok"
    assert rows["140401"]["verification_code"]
    assert rows["140306"]["eligible"] is False and rows["140306"]["reasons"] == ["no_report"]
    assert rows["140306"]["verification_code"] is None
    assert rows["140305"]["evidence"]["ranking"]["rank_low"] <= rows["140305"]["rank"]
    assert _api(vannak).get(f"/api/v1/awards/{province_round.pk}/").status_code == 404
    assert _api(chenda).get(f"/api/v1/awards/{province_round.pk + 99}/").status_code == 404
