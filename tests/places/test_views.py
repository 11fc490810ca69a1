"""The place pages, as the personas see them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def browser():
    def sign_in(user) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return sign_in


def test_commune_officer_sees_the_commune_page_with_its_villages(browser, sokha):
    page = browser(sokha).get("/places/140305/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "កន្សោមអក" in html and "Kansoam Ak" in html
    assert "Khum (commune)" in html
    assert "11,200" in html and "estimate, 2019" in html  # an estimate says so
    assert "/places/14030501/" in html and "/places/14030502/" in html
    assert "Prey Totueng" in html
    assert "/places/14030601/" not in html  # the neighbour's village


def test_commune_officer_gets_404_for_the_neighbouring_commune(browser, sokha):
    client = browser(sokha)
    assert client.get("/places/140306/").status_code == 404
    assert client.get("/places/14030601/").status_code == 404
    assert client.get("/places/1403/").status_code == 404  # the district above is not theirs either
    assert client.get("/places/99999999/").status_code == 404  # missing looks the same


def test_commune_officer_starts_browsing_at_the_commune(browser, sokha):
    html = browser(sokha).get("/places/").content.decode()
    assert "/places/140305/" in html
    assert "/places/14/" not in html


def test_national_secretariat_sees_the_provinces_with_census_populations(browser, national):
    page = browser(national).get("/places/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/places/08/" in html and "/places/14/" in html
    assert "/places/0801/" not in html  # provinces only at the top
    assert "1,201,581" in html and "census 2019" in html


def test_a_province_page_goes_down_to_its_districts(browser, national):
    html = browser(national).get("/places/14/").content.decode()
    assert "/places/1403/" in html and "/places/1404/" in html
    assert "Kampong Trabaek" in html


def test_the_district_officer_sees_the_breadcrumbs_of_a_village_down_from_the_district(browser, vannak):
    html = browser(vannak).get("/places/14030501/").content.decode()
    assert "/places/1403/" in html and "/places/140305/" in html
    assert 'href="/places/14/"' not in html  # the province is above the officer's jurisdiction


def test_search_page_finds_only_what_the_officer_may_see(browser, sokha):
    html = browser(sokha).get("/places/search/", {"q": "Kampong Trabek"}).content.decode()
    assert "/places/140306/" not in html and "/places/1403/" not in html
    html = browser(sokha).get("/places/search/", {"q": "Kansaom Ak"}).content.decode()
    assert "/places/140305/" in html


def test_nobody_without_an_account_is_sent_to_sign_in(places):
    response = Client().get("/places/140305/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]
