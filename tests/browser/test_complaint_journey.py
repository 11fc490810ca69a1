"""A citizen's complaint from a phone, in Khmer, to its closure and dispute.

An anonymous citizen files a complaint, keeps the receipt and sees "received"; the commune
police officer closes it as solved by arrest; the citizen sees it closed, answers that the problem is
not resolved, and the record is back under review."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from safevillage.incidents.models import Incident, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()


def test_anonymous_citizen_files_follows_and_disputes_a_complaint(browser, live_server, policy, sokha):
    citizen = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, base_url=live_server.url)
    page = citizen.new_page()
    page.set_default_timeout(15_000)

    # The complaint, in Khmer (the default language): find the village by name.
    page.goto("/public/complaint/")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    page.locator("#id_q").fill("Kansoam")
    page.locator("form[role=search] button").click()
    page.locator("ul.cards a[href*='village=14030501']").click()
    page.locator("input[name=category][value=theft]").check()
    page.locator("#id_description").fill("ចោរលួចម៉ូតូនៅមុខផ្ទះខ្ញុំពេលយប់")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("#id_occurred_on_day").fill(str(yesterday.day))
    page.locator("#id_occurred_on_month").fill(str(yesterday.month))
    page.locator("#id_occurred_on_year").fill(str(yesterday.year))
    page.locator("input[name=anonymous][value=yes]").check()
    page.locator("main form button.button").click()

    receipt = page.locator(".receipt").inner_text().strip()
    assert len(receipt.replace("-", "")) == 16
    incident = Incident.objects.get()
    assert incident.channel == "public_web" and incident.complainant_name == "" and incident.status == Status.RECEIVED

    # The citizen follows it with the receipt: "received".
    page.goto("/public/status/")
    page.locator("#id_receipt").fill(receipt)
    page.locator("main form button").click()
    expect(page.locator(".status")).to_have_class("status status-received")

    # The commune police officer closes it as solved, by arrest.
    officer = browser.new_context(base_url=live_server.url)
    desk = officer.new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, "sokha")
    desk.goto(f"/incidents/{incident.reference}/")
    desk.locator(f"a[href='/incidents/{incident.reference}/close/']").click()
    close = desk.locator("section[aria-labelledby=action-title]")
    close.locator("input[name=close-result][value=arrest]").check()
    close.locator("input[name=close-arrests]").fill("1")
    close.locator("button.button").click()
    expect(desk.locator(".messages")).to_be_visible()
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.outcome == "solved"

    # The citizen sees it closed and answers that it is not resolved.
    page.goto("/public/status/")
    page.locator("#id_receipt").fill(receipt)
    page.locator("main form button").click()
    expect(page.locator(".status")).to_have_class("status status-closed")
    page.locator("#id_resolved_no").check()
    page.locator("#id_comment").fill("ម៉ូតូមិនទាន់បានមកវិញទេ")
    page.locator("main form button").click()

    incident.refresh_from_db()
    assert incident.status == Status.UNDER_REVIEW
    assert incident.complainant_satisfied is False
    # And the officer sees it back under review.
    desk.goto(f"/incidents/{incident.reference}/")
    with translation.override("km"):
        expect(desk.locator("body")).to_contain_text(str(Status.UNDER_REVIEW.label))
    citizen.close()
    officer.close()
