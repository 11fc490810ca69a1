"""The classification pages, scoped like the reports."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.reports.conftest import local

pytestmark = pytest.mark.django_db


def page(user, url: str, language: str = "en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client.get(url)


def test_the_commune_officer_sees_each_criterion_with_its_evidence_and_links(sokha, make_record, submit):
    make_record("14030502", "robbery", local(2025, 2))
    submit("140305")
    response = page(sokha, "/safety/140305/2025Q1/?framework=2010")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not safe" in html and "At least one criterion fails." in html
    assert "Solved: 0 of 1; still open: 1. At least 100% must be solved." in html
    assert "/incidents/?place=140305&amp;period=2025Q1&amp;criterion=2010-1&amp;status=open" in html
    assert "very few means at most 2 offences of a criterion per 1,000 residents a year" in html


def test_the_page_speaks_khmer(sokha, places, policy, submit, khmer_default):
    submit("140305")
    html = page(sokha, "/safety/140305/2025Q1/", language="km").content.decode()
    assert "វេទិកាសាធារណៈ" in html  # point 5: forums
    assert "មិនមានសុវត្ថិភាព" in html  # not safe: no forum in the quarter


def test_the_neighbouring_commune_gets_the_same_404_as_a_missing_one(dara, places, policy):
    assert page(dara, "/safety/140305/2025Q1/").status_code == 404
    assert page(dara, "/safety/149999/2025Q1/").status_code == 404
    assert page(dara, "/safety/1403/2025Q1/").status_code == 404
    assert page(dara, "/safety/14030601/2025Q1/").status_code == 200


def test_the_district_officer_lists_the_communes_of_the_district(vannak, make_record, submit):
    make_record("14030601", "robbery", local(2025, 2))
    submit("140305")
    submit("140306")
    response = page(vannak, "/safety/1403/2025Q1/?framework=2010")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/safety/140305/2025Q1/?framework=2010" in html and "/safety/140306/2025Q1/?framework=2010" in html
    assert "140401" not in html  # another district
    assert "Criterion 5" in html


def test_a_bad_period_is_a_400(sokha, places, policy):
    assert page(sokha, "/safety/140305/2025Q9/").status_code == 400
    assert page(sokha, "/safety/140305/2025Q1/?framework=1999").status_code == 400


def test_the_index_leads_to_the_classification(sokha, places, policy):
    response = page(sokha, "/safety/?place=140305&period=2025Q1&framework=2010")
    assert response.status_code == 302 and response["Location"] == "/safety/140305/2025Q1/?framework=2010"
    assert page(sokha, "/safety/").status_code == 200
