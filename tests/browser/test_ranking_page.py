"""A district officer reads the communes' ranking on a phone: the ranks in Khmer, the funnel
plot drawn to the screen's width with its labels in HTML, nothing wider than the screen but
the tables, which scroll within their frames."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.ranking.conftest import ensure_first_weights
from tests.reports.conftest import create, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def test_the_ranking_reads_on_a_phone(phone, policy, vannak):
    ensure_first_weights()
    create("14030502", "robbery", local(2025, 2))
    create("14030601", "theft", local(2025, 3))
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("vannak")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()

    phone.goto("/rankings/1403/2025Q1/")
    expect(phone.locator("h1")).to_contain_text("កំពង់ត្របែក")
    expect(phone.locator("table.ranking tbody tr")).to_have_count(2)
    expect(phone.locator(".funnel svg")).to_be_visible()
    expect(phone.locator(".funnel svg circle")).to_have_count(2)
    assert phone.locator(".funnel svg").bounding_box()["width"] <= 390
    expect(phone.locator("#funnel-title")).to_contain_text("ក្រាហ្វចីវលោ")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("RANKING_SCREENSHOT"):
        phone.screenshot(path=os.environ["RANKING_SCREENSHOT"], full_page=True)
