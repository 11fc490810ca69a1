"""The signed-in home page shows each person their roles, with place names in both scripts."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.utils import timezone


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str) -> Client:
    response = client.post("/accounts/login/", {"username": username, "password": "correct horse battery"})
    assert response.status_code == 302
    return client


def test_commune_officer_sees_the_role_and_the_commune_in_khmer_and_latin(sokha, client):
    page = sign_in(english(client), "sokha").get("/").content.decode()

    assert "Commune police (administrative police)" in page
    assert "កន្សោមអក" in page
    assert "Kansoam Ak" in page
    assert "Kampong Trabaek" not in page  # not the neighbouring commune


def test_national_secretariat_sees_the_whole_country(national, client):
    page = sign_in(english(client), "national").get("/").content.decode()

    assert "National secretariat" in page
    assert "Cambodia (the whole country)" in page


def test_an_ended_assignment_is_not_shown(sokha, client):
    sokha.assignments.update(ended_at=timezone.now())

    page = sign_in(english(client), "sokha").get("/").content.decode()

    assert "Kansoam Ak" not in page
    assert "You have no role yet" in page


def test_account_without_assignment_sees_nothing(nobody, places, client):
    sign_in(english(client), "nobody")

    page = client.get("/").content.decode()
    assert "You have no role yet" in page
    for place in places.values():
        assert place.name_latin not in page
    api = client.get("/api/v1/places/")
    assert api.status_code == 200
    assert api.json()["count"] == 0
    assert client.get("/api/v1/places/14/").status_code == 404
