"""Error pages speak the user's language and say what to do."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.utils import translation

TOO_LARGE = "What you sent is too large and was not read. A description may have at most 10,000 characters."


def translated_in_khmer(message: str) -> str:
    with translation.override("km"):
        text = translation.gettext(message)
    assert text != message, "no Khmer translation"
    return text


pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_the_translated_not_found_page(settings, khmer_default):
    settings.DEBUG = False
    response = Client().get("/places/99/")
    assert response.status_code == 302  # signed out: to the sign-in page first
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b'<html lang="km">' in response.content


def test_an_oversized_form_gets_a_clear_page_in_khmer_and_one_log_line_not_a_traceback(
    settings, policy, khmer_default, caplog
):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.get("/public/complaint/?village=14030501")
    token = client.cookies["csrftoken"].value
    body = {"csrfmiddlewaretoken": token, "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.post("/public/complaint/", body)
    assert response.status_code == 413
    page = response.content.decode()
    assert '<html lang="km">' in page
    assert translated_in_khmer(TOO_LARGE) in page
    [record] = caplog.records  # Django's line for every 4xx answer, e.g. "Request Entity Too Large: /public/…"
    assert record.getMessage().endswith(": /public/complaint/") and record.status_code == 413
    assert record.exc_info is None


def test_a_form_whose_csrf_check_fails_gets_the_translated_page(settings, khmer_default):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert b"<h1>" in response.content and b'lang="km"' in response.content
