"""The register on a cheap phone (390 x 844), in Khmer, as a new commune officer tries it: each
record a card with its status and deadline in words and no sideways scrolling; the filters
fold behind one button and stay in the URL; two records acknowledged at once, and the page
says what happened to each one."""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from safevillage.core.period_picker import reporting_period
from safevillage.core.periods import Period, PeriodKind
from safevillage.incidents.models import Status
from tests.browser.test_complaint_journey import sign_in
from tests.incidents.factories_register import overdue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

# Where to keep screenshots of the pages as test artefacts (unset: none are taken).
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")
# Neither the page nor a table's own scrolling box is wider than the screen.
NO_SIDEWAYS_SCROLL = (
    "() => [document.documentElement, ...document.querySelectorAll('.table-wrap')]"
    ".every((box) => box.scrollWidth <= box.clientWidth)"
)


def km(message: str) -> str:
    with translation.override("km"):
        return gettext(message)


def test_commune_officer_reads_filters_and_acknowledges_the_register_on_a_phone(phone, sokha, make_incident):
    new_ones = [make_incident(sokha), make_incident(sokha, village="14030502")]
    seen = make_incident(sokha)
    from safevillage.incidents import actions

    actions.acknowledge(seen, by=sokha, version=seen.version)

    sign_in(phone, "sokha")
    phone.goto("/incidents/")
    expect(phone.locator("html")).to_have_attribute("lang", "km")

    # Each record is a card: status and deadline in words, on the screen, nothing off to the side.
    cards = phone.locator("table.register tbody tr")
    expect(cards).to_have_count(3)
    first = cards.filter(has_text=new_ones[0].reference)
    status = first.locator("td.status-cell")
    deadline = first.locator("td.deadline")
    expect(status).to_contain_text(km("Received"))
    expect(deadline).to_contain_text(km("Acknowledge by"))
    for cell in (status, deadline):
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport(ratio=1)
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/register-phone-km.png", full_page=True)

    # The filters fold behind one button; opened, they still fit the screen.
    place = phone.locator("#id_place")
    expect(place).to_be_hidden()
    phone.locator("details.filter-panel > summary").click()
    expect(place).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)

    # A period is chosen: the quarter under way, by its Khmer name, from the quarter button.
    quarter = Period.containing(new_ones[0].occurred_at, PeriodKind.QUARTER)
    phone.get_by_role("button", name=km("Quarter"), exact=True).click()
    with translation.override("km"):
        label = quarter.label
    phone.locator("#id_period").select_option(label=label)
    phone.get_by_label(km("Needs my action")).check()
    phone.get_by_role("button", name=km("Filter"), exact=True).click()
    expect(phone).to_have_url(re.compile(rf"period={quarter.id}.*needs_action=1|needs_action=1.*period={quarter.id}"))
    # Only the two records still to acknowledge need the officer's action.
    expect(cards).to_have_count(2)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)

    # The URL carries the filters: opened again, the page shows the same selection.
    phone.reload()
    expect(cards).to_have_count(2)
    expect(phone.locator("#id_period")).to_have_value(quarter.id)
    expect(phone.get_by_label(km("Needs my action"))).to_be_checked()
    if SHOTS:
        phone.locator("details.filter-panel > summary").click()
        phone.screenshot(path=f"{SHOTS}/register-phone-km-filters.png", full_page=True)

    # Both selected and acknowledged in one tap; one result per record.
    phone.goto("/incidents/")
    for record in (*new_ones, seen):
        with translation.override("km"):
            name = gettext("Select %(reference)s") % {"reference": record.reference}
        phone.get_by_label(name).check()
    phone.get_by_role("button", name=km("Acknowledge"), exact=True).click()
    results = phone.locator("ul.bulk-results li")
    expect(results).to_have_count(3)
    for record in new_ones:
        expect(results.filter(has_text=record.reference)).to_contain_text(km("Done"))
    expect(results.filter(has_text=seen.reference)).to_contain_text(km("Refused"))
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/register-phone-km-bulk.png", full_page=True)
    for record in new_ones:
        record.refresh_from_db()
        assert record.status == Status.ACKNOWLEDGED


def test_switching_the_kind_of_period_keeps_the_time_chosen(phone, sokha):
    sign_in(phone, "sokha")
    phone.goto("/reports/")
    period = phone.locator("#id_period")
    month = reporting_period()
    expect(period).to_have_value(month.id)
    # Only the months are listed until another kind is asked for.
    expect(phone.locator("optgroup[data-kind=quarter]")).to_be_hidden()
    phone.get_by_role("button", name=km("Year"), exact=True).click()
    expect(period).to_have_value(str(month.year))
    # From a year to its quarters: the quarter being reported on if it is in that year, else
    # the latest one offered.
    phone.get_by_role("button", name=km("Quarter"), exact=True).click()
    quarter = reporting_period(PeriodKind.QUARTER)
    if quarter.year != month.year:
        quarter = Period.containing(timezone.now(), PeriodKind.QUARTER)
    expect(period).to_have_value(quarter.id)
    expect(phone.get_by_role("button", name=km("Quarter"), exact=True)).to_have_attribute("aria-pressed", "true")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.get_by_role("button", name=km("Open the report"), exact=True).click()
    expect(phone).to_have_url(re.compile(rf"/reports/140305/{quarter.id}/$"))


def test_the_overdue_records_fit_a_phone_too(phone, sokha, places):
    late = overdue(places["14030501"], days_late=12)
    sign_in(phone, "sokha")
    phone.goto("/incidents/overdue/")
    card = phone.locator("table.register tbody tr.overdue")
    expect(card).to_contain_text(late.reference)
    expect(card).to_contain_text(km("Not acknowledged in time"))
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
