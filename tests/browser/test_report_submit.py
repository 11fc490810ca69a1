"""A commune officer types the report's narrative and a figure and presses "Submit to the
district" straight away, without saving first: the submitted report keeps what was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safevillage.reports.models import ReportStatus, ResultReport
from tests.reports.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def test_a_report_submitted_straight_after_typing_keeps_its_text(phone, policy, sokha):
    from tests.reports.conftest import create

    create("14030501", "theft", local(2025, 10, 4))
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("sokha")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("main button").click()
    expect(phone.locator("h1")).to_be_visible()

    phone.goto("/reports/140305/202510/")
    phone.locator("#id_achievements").fill("វេទិកាសាធារណៈពីរនៅកន្សោមអក")
    phone.locator("#id_patrols").fill("12")
    phone.locator("button[formaction='/reports/140305/202510/submit/']").click()
    expect(phone.locator(".messages")).to_be_visible()

    report = ResultReport.objects.get(place_code="140305", period_id="202510")
    assert report.status == ReportStatus.SUBMITTED
    assert report.achievements == "វេទិកាសាធារណៈពីរនៅកន្សោមអក"
    assert report.supplementary == {"patrols": 12}
    # The page shows the submitted text, no longer as a field to edit.
    expect(phone.locator("p.narrative")).to_have_text("វេទិកាសាធារណៈពីរនៅកន្សោមអក")
    expect(phone.locator("#id_achievements")).to_have_count(0)
