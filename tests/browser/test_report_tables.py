"""A report's figures on a 390 px phone: the key figures first, the rest one tap away, and the
row names and the indicator header stay in view while the table scrolls."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.reports import conftest as reports_conftest
from tests.reports.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


@pytest.fixture(autouse=True)
def _fresh_lookups():
    """The reports' test helper caches categories by code for one test (ids change between
    tests); its own clearing fixture applies under tests/reports only."""
    reports_conftest._cache.clear()
    yield
    reports_conftest._cache.clear()


def box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


def test_the_row_names_and_the_header_stay_in_view_while_the_figures_scroll(phone, policy, sokha):
    from tests.reports.conftest import create

    create("14030501", "theft", local(2025, 10, 4))
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("sokha")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()
    phone.goto("/reports/140305/202510/")

    table = "#figures-table"
    row_name = f"{table} tbody th[scope='row']"
    # The key figures first; the others one tap away.
    expect(phone.locator(f"{table} thead th.more").first).to_be_hidden()
    expect(phone.locator(f"{table} thead th:not(.more)")).to_have_count(6)
    phone.locator("label[for='all-figures']").click()
    expect(phone.locator(f"{table} thead th.more").first).to_be_visible()

    before_name, before_cell = box(phone, row_name), box(phone, f"{table} tbody td")
    phone.locator(table).evaluate("wrap => { wrap.scrollLeft = 600; }")
    after_name, after_cell = box(phone, row_name), box(phone, f"{table} tbody td")
    assert phone.locator(table).evaluate("wrap => wrap.scrollLeft") > 0  # the table is wider than the phone
    assert after_cell["x"] < before_cell["x"]  # the figures moved…
    assert after_name["x"] == pytest.approx(before_name["x"], abs=1)  # …the row names did not
    assert 0 <= after_name["x"] < 390

    header = f"{table} thead th:first-child"
    before_header = box(phone, header)
    phone.locator(table).evaluate("wrap => { wrap.scrollTop = 300; }")
    assert phone.locator(table).evaluate("wrap => wrap.scrollTop") > 0
    assert box(phone, header)["y"] == pytest.approx(before_header["y"], abs=1)
