"""The community programmes of a report on a 390 px phone in Khmer: the programme's names wrap
beside their figures (no sideways scrolling), and a figure opens the list behind it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.reports.community_data import programmes  # noqa: F401  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("khmer_default", "programmes"),
]


def test_a_commune_officer_reads_the_programmes_on_a_phone_and_opens_the_forums(phone, sokha):
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("sokha")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()
    phone.goto("/reports/140305/2026Q1/")

    table = phone.locator("table.community")
    expect(table).to_contain_text("វេទិកាសាធារណៈ")
    wrap = phone.locator("table.community").locator("xpath=..")
    # The whole table fits: the long Khmer names wrap instead of pushing the figures off screen.
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= 390 + 1

    phone.locator("#community-forums\\.held a").click()
    expect(phone).to_have_url(re.compile(r"/forums/140305/\?quarter=2026Q1$"))
    expect(phone.locator("h1")).to_be_visible()
