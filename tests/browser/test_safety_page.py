"""A commune officer reads the commune's classification on a phone: the verdicts in Khmer,
nothing wider than the screen but the table, which scrolls within its frame."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.reports.conftest import create, local
from tests.safety.conftest import ensure_first_thresholds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def test_the_classification_reads_on_a_phone(phone, policy, sokha):
    ensure_first_thresholds()
    create("14030502", "robbery", local(2025, 2))
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("sokha")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()

    phone.goto("/safety/140305/2025Q1/?framework=2010")
    expect(phone.locator("h1")).to_contain_text("កន្សោមអក")
    expect(phone.locator("p.lead .status")).to_have_text("ទិន្នន័យមិនគ្រប់គ្រាន់")  # no report submitted
    expect(phone.locator("tbody tr")).to_have_count(5)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The records behind the first criterion are one tap away.
    phone.locator("tbody tr").first.locator("a").first.click()
    expect(phone).to_have_url(re.compile(r"/incidents/\?place=140305&period=2025Q1&criterion=2010-1"))
