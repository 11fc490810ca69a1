"""A citizen on an English-language phone gives the day of the incident, and the record keeps
the day meant: the browser's own date field read 05/12/2026 in the phone's locale, and
5 December was stored as 12 May."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safevillage.incidents.models import Incident
from tests.browser.conftest import PHONE
from tests.browser.test_complaint_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

# In the past on the day this was written (6 December 2026), as the form requires.
FIFTH_OF_DECEMBER = datetime.date(2026, 12, 5)


def test_an_english_phone_enters_5_december_and_the_record_shows_5_december(browser, live_server, policy, sokha):
    assert timezone.localdate() > FIFTH_OF_DECEMBER
    phone = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        base_url=live_server.url,
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)

    # The pages come in Khmer; the citizen presses "English", then finds the village.
    page.goto("/public/complaint/")
    page.locator("form.lang button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#id_q").fill("Kansoam")
    page.locator("form[role=search] button").click()
    page.locator("ul.cards a[href*='village=14030501']").click()

    # No browser date field: three boxes, each labelled, numeric, in a group named by the question.
    expect(page.locator("input[type=date]")).to_have_count(0)
    day = page.get_by_role("group", name="On what day did it happen?")
    expect(day.get_by_text("For example, 27 3 2026")).to_be_visible()
    for label in ("Day", "Month", "Year"):
        expect(day.get_by_label(label, exact=True)).to_have_attribute("inputmode", "numeric")
    day.get_by_label("Day", exact=True).fill("5")
    day.get_by_label("Month", exact=True).fill("12")
    day.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("At what time? (if you know)").fill("21:15")
    page.locator("#id_description").fill("My motorbike was stolen in front of the house at night.")
    page.locator("input[name=anonymous][value=yes]").check()

    # Sent without a subject: the page comes back with what was typed, the date in words.
    page.locator("main form button.button").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose what your complaint is about.")
    expect(day.get_by_label("Day", exact=True)).to_have_value("5")
    expect(day.get_by_label("Month", exact=True)).to_have_value("12")
    expect(day.get_by_label("Year", exact=True)).to_have_value("2026")
    expect(day).to_contain_text("That is 5 December 2026.")

    page.locator("input[name=category][value=theft]").check()
    page.locator("main form button.button").click()
    expect(page.locator(".receipt")).to_be_visible()

    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_at).date() == FIFTH_OF_DECEMBER
    assert timezone.localtime(incident.occurred_at).time() == datetime.time(21, 15)
    phone.close()

    # The officer's copy of the record says 5 December too, in words.
    officer = browser.new_context(viewport=PHONE, locale="en-GB", base_url=live_server.url)
    desk = officer.new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, "sokha")
    desk.locator("form.lang button[value=en]").click()
    desk.goto(f"/incidents/{incident.reference}/")
    expect(desk.locator("time[datetime^='2026-12-05T21:15']")).to_have_text("5 December 2026, 21:15")
    officer.close()
