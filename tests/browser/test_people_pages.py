"""A provincial secretariat, on a 390 px phone in Khmer, adds an officer and hands over the
temporary password; the officers' list fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safevillage.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def test_the_province_adds_an_officer_on_a_phone(phone, chenda, sokha):
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("chenda")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()

    phone.goto("/accounts/people/")
    expect(phone.locator(".cards.people li")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.locator("a[href='/accounts/people/new/']").click()
    phone.locator("#id_username").fill("piseth")
    phone.locator("#id_full_name").fill("ពិសិដ្ឋ អ៊ុំ")
    phone.locator("#id_role").select_option("commune_police")
    phone.locator("#id_place_code").fill("១៤០៣០៦")  # Khmer digits, as a Khmer keyboard types them
    phone.locator("main form button").click()

    password = phone.locator("#temporary-password").inner_text()
    created = User.objects.get(username="piseth")
    assert created.check_password(password)
    assert created.assignments.get().place.code == "140306"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
