"""The approval chain in view: before approving, a level sees each report below with its
state and date, a province the communes under each district, and the approve button only
once everything below is in."""

from __future__ import annotations

import pytest
from django.test import Client

from safevillage.core.periods import Period
from safevillage.reports.chain import approval_chain
from safevillage.reports.models import ReportStatus
from safevillage.reports.reminders import due_periods, send_reminders
from tests.workqueue.conftest import report

pytestmark = pytest.mark.django_db

PERIOD = Period.parse("202510")


def test_a_district_sees_each_commune_with_its_state_and_date(places):
    report(places["140305"], PERIOD, ReportStatus.SUBMITTED)
    rows = approval_chain(places["1403"], PERIOD)
    assert [(r.place.code, r.state, r.done, r.at is not None) for r in rows] == [
        ("140305", ReportStatus.SUBMITTED, True, True),
        ("140306", "not_started", False, False),
    ]
    assert [r.label for r in rows] == ["Submitted", "Not started"]
    report(places["140306"], PERIOD, ReportStatus.DRAFT)
    assert approval_chain(places["1403"], PERIOD)[1].label == "Draft"


def test_a_sent_back_report_is_behind(places):
    report(places["140305"], PERIOD, ReportStatus.RETURNED)
    row = approval_chain(places["1403"], PERIOD)[0]
    assert (row.label, row.done) == ("Sent back", False)


def test_a_province_sees_the_communes_under_each_district(places):
    report(places["140305"], PERIOD, ReportStatus.SUBMITTED)
    report(places["1404"], PERIOD, ReportStatus.APPROVED)
    rows = {r.place.code: r for r in approval_chain(places["14"], PERIOD)}
    assert rows["1403"].state == "not_started" and rows["1404"].done
    below = rows["1403"].below
    assert below is not None
    assert (below.done, below.expected, [p.code for p in below.behind]) == (1, 2, ["140306"])
    assert rows["1404"].below is not None and rows["1404"].below.behind == [places["140401"]]


def test_the_chain_says_when_a_late_child_was_reminded(places):
    month = due_periods()[0]
    report(places["140305"], month, ReportStatus.SUBMITTED)
    send_reminders()
    submitted, behind = approval_chain(places["1403"], month)
    assert submitted.reminded_at is None
    assert behind.place.code == "140306" and behind.reminded_at is not None


def page(user) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get(f"/reports/1403/{PERIOD.id}/").content.decode()


def test_the_district_page_lists_the_communes_not_submitted_instead_of_the_approve_button(places, vannak):
    report(places["140305"], PERIOD, ReportStatus.SUBMITTED)
    html = page(vannak)
    assert "1 of 2 communes has not submitted its report yet" in html
    assert "Kampong Trabaek" in html and "Not started" in html
    assert "/reports/1403/202510/approve/" not in html
    report(places["140306"], PERIOD, ReportStatus.SUBMITTED)
    html = page(vannak)
    assert "Every commune has submitted its report." in html
    assert "/reports/1403/202510/approve/" in html


def test_a_commune_officer_sees_no_chain_on_the_district_page(places, sokha):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sokha)
    assert client.get(f"/reports/1403/{PERIOD.id}/").status_code == 404
