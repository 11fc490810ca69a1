"""The shell as a new visitor meets it: Khmer first, English one click away, sign-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def test_home_page_is_khmer_and_switches_to_english(phone):
    phone.goto("/")
    expect(phone.locator("html")).to_have_attribute("lang", "km")
    expect(phone.get_by_role("link", name="SafeVillage").or_(phone.locator(".brand"))).to_be_visible()
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Safe villages, safe communes")


def test_officer_signs_in_and_sees_their_commune(phone, sokha):
    phone.goto("/accounts/login/")
    phone.get_by_role("button", name="English").click()
    phone.get_by_label("Username").fill("sokha")
    phone.get_by_label("Password").fill("correct horse battery")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile("Sokha Chan"))
    expect(phone.get_by_role("link", name="កន្សោមអក · Kansoam Ak")).to_be_visible()
