"""A report's charts on a 390 px phone: they fit the screen, run under the Content-Security-
Policy, and a tap on a point lands on the records it counts; in Khmer, with a screenshot kept
as a test artefact."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, describe
from tests.reports import conftest as reports_conftest
from tests.reports.conftest import close, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS", "var/test-artefacts"))


@pytest.fixture(autouse=True)
def _fresh_lookups():
    reports_conftest._cache.clear()
    yield
    reports_conftest._cache.clear()


def _sign_in(phone, username: str) -> None:
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill(username)
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()


def test_a_tap_on_a_chart_point_opens_its_records(phone, policy, vannak):
    from tests.reports.conftest import create

    theft = create("14030501", "theft", local(2025, 10, 4))
    close(theft, "solved", local(2025, 10, 20), arrests=1)
    create("14030601", "robbery", local(2025, 9, 9))
    violations: list[str] = []
    phone.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    _sign_in(phone, "vannak")
    phone.goto("/reports/1403/202510/")

    trend = phone.locator("#chart-trend")
    expect(trend).to_be_visible()
    figure = trend.bounding_box()
    assert figure is not None and figure["x"] >= 0 and figure["x"] + figure["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    expect(phone.locator("#comparison tbody tr")).to_have_count(2)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    trend.screenshot(path=str(ARTEFACTS / "report-chart-trend-km.png"))

    # The last point of the trend: October 2025 in the district, one record.
    trend.locator("svg a").nth(11).click()
    expect(phone).to_have_url(re.compile(r"/incidents/\?place=1403&period=202510&status=counted$"))
    assert not violations, violations


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_charts_and_the_comparison_pass_axe(phone, live_server, policy, chenda, language):
    from tests.reports.conftest import create

    theft = create("14030501", "theft", local(2025, 10, 4))
    close(theft, "solved", local(2025, 10, 20), arrests=1)
    create("14040101", "robbery", local(2025, 9, 9))
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    _sign_in(phone, "chenda")
    phone.goto("/reports/14/202510/")
    expect(phone.locator("#chart-trend")).to_be_visible()
    phone.locator("#chart-trend details summary").click()  # the table too, opened
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTEFACTS / f"report-charts-{language}.png"), full_page=True)
    found = axe_violations(phone, {"include": [[".report-charts"], ["#comparison"]]})
    assert not found, describe(found)
    phone.goto("/")
    expect(phone.locator("#chart-trend-14")).to_be_visible()
    found = axe_violations(phone, {"include": [[".queue .charts"]]})
    assert not found, describe(found)
