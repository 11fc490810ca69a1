"""A commune officer on a phone (390 by 844), in Khmer, works a record: the page opens on the
summary and the actions, nothing scrolls sideways, and a public-service complaint closes as
resolved without any arrest field. A crime's close form asks for the number arrested only
once "solved by arrest" is chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safevillage.incidents.models import Incident, Status
from tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_public_service_complaint_closes_as_resolved_without_any_arrest_field(phone, policy, sokha):
    record = make_incident(sokha, category="public_service", description="គ្មានទឹកនៅសាលារៀនមួយសប្ដាហ៍ហើយ")
    sign_in(phone, "sokha")
    phone.goto(f"/incidents/{record.reference}/")
    expect(phone.locator("html")).to_have_attribute("lang", "km")
    expect(phone.locator("dl.summary")).to_be_visible()
    no_sideways_scroll(phone)
    # The withdrawal stands apart, drawn as a danger.
    expect(phone.locator("a.button.danger[href$='/withdraw/']")).to_be_visible()

    phone.locator(f"a[href='/incidents/{record.reference}/close/']").click()
    no_sideways_scroll(phone)
    form = phone.locator("form.close-form")
    expect(form.locator("[name*=arrest]")).to_have_count(0)
    expect(form.locator("[name*=exceptional]")).to_have_count(0)
    # The service is asked only once "passed to the responsible service" is chosen.
    expect(form.locator("input[name=close-referred_to]")).to_be_hidden()
    form.locator("input[name=close-result][value=referred]").check()
    expect(form.locator("input[name=close-referred_to]")).to_be_visible()
    form.locator("input[name=close-result][value=resolved]").check()
    form.locator("button.button").click()

    expect(phone.locator(".messages")).to_be_visible()
    record.refresh_from_db()
    assert (record.status, record.outcome, record.clearance) == (Status.CLOSED, "resolved", "")
    no_sideways_scroll(phone)


def test_a_crime_asks_the_number_arrested_only_when_solved_by_arrest(phone, policy, sokha):
    record = make_incident(sokha)
    sign_in(phone, "sokha")
    phone.goto(f"/incidents/{record.reference}/close/")
    form = phone.locator("form.close-form")
    arrests = form.locator("input[name=close-arrests]")
    expect(arrests).to_be_hidden()
    expect(form.locator("input[name=close-exceptional_reason]").first).to_be_hidden()
    form.locator("input[name=close-result][value=arrest]").check()
    expect(arrests).to_be_visible()
    # Sent without the number: refused on its field, which stays in view with its message.
    form.locator("button.button").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone.locator("input[name=close-arrests]")).to_be_visible()
    phone.locator("input[name=close-arrests]").fill("2")
    phone.locator("form.close-form button.button").click()
    expect(phone.locator(".messages")).to_be_visible()
    done = Incident.objects.get(pk=record.pk)
    assert (done.outcome, done.clearance, done.arrests) == ("solved", "arrest", 2)
