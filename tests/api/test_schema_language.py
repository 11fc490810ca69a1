"""The API's documentation is English unless asked for in Khmer (``?lang=km``), whatever the
caller's Accept-Language; the API's answers still follow Accept-Language, Khmer by default."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.problems import assert_problem

pytestmark = pytest.mark.django_db

ENGLISH = "The 8-digit code of the village."
KHMER = "លេខកូដ 8 ខ្ទង់របស់ភូមិ។"


@pytest.mark.parametrize("accept_language", [None, "km", "km-KH,km;q=0.9"])
def test_the_schema_is_english_without_lang(khmer_default, accept_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = Client().get("/api/schema/?format=json", **headers)
    assert response.status_code == 200
    text = response.content.decode()
    assert ENGLISH in text and KHMER not in text
    assert response["Content-Language"] == "en"


def test_the_schema_in_khmer_when_asked(khmer_default):
    text = Client().get("/api/schema/?format=json&lang=km").content.decode()
    assert KHMER in text and ENGLISH not in text


@pytest.mark.parametrize("page", ["/api/docs/"])
def test_the_documentation_pages_are_english(khmer_default, page):
    response = Client().get(page, HTTP_ACCEPT_LANGUAGE="km")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_an_error_answer_follows_accept_language(khmer_default, places):
    khmer = assert_problem(Client().get("/api/v1/places/", HTTP_ACCEPT_LANGUAGE="km"), 401)
    assert khmer["title"] == "មិនទាន់បានចូលប្រព័ន្ធ"
    english = assert_problem(Client().get("/api/v1/places/", HTTP_ACCEPT_LANGUAGE="en"), 401)
    assert english["title"] == "Unauthorized"
