"""The officer's day starts on the home page, on a phone (390 by 844 pixels), in Khmer.

A new commune police officer signs in and finds the complaint a citizen just made at the top
of the work queue; one tap acknowledges it and it leaves the queue. A district officer sees,
before approving, which communes have not submitted. And every role's home page is
photographed in Khmer and English (``SCREENSHOT_DIR``, default var/screenshots/, git-ignored)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from safevillage.accounts.roles import Role
from safevillage.audit.verify import verify_and_record
from safevillage.incidents.models import Channel, Incident, Status
from safevillage.reports.models import ReportStatus
from safevillage.reports.reminders import due_periods, send_reminders
from tests.browser.conftest import PHONE
from tests.incidents.factories_register import NOW, incident, on_time, overdue
from tests.workqueue.conftest import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.timedelta(days=1)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_new_officer_acknowledges_a_new_complaint_in_one_tap(phone, policy, sokha, places):
    complaint = on_time(places["14030501"], channel=Channel.PUBLIC_WEB, description="ចោរលួចម៉ូតូនៅមុខផ្ទះខ្ញុំ")
    older = overdue(places["14030502"])
    sign_in(phone, "sokha")

    new_part = phone.locator("#part-commune_police-140305-new")
    expect(new_part.locator("h3")).to_contain_text("កំណត់ត្រាថ្មីដែលត្រូវបញ្ជាក់ទទួល")
    expect(new_part.locator(".count")).to_have_text("2")
    item = new_part.locator("li", has=phone.locator(f"a[href='/incidents/{complaint.reference}/']"))
    expect(item).to_contain_text("បានរាយការណ៍")  # its age, in words
    no_sideways_scrolling(phone)

    item.get_by_role("button", name="បញ្ជាក់ទទួល").click()

    expect(new_part.locator(".flash")).to_have_text(f"{complaint.reference} ត្រូវបានបញ្ជាក់ទទួលហើយ។")
    expect(new_part.locator(f"a[href='/incidents/{complaint.reference}/']")).to_have_count(0)
    expect(new_part.locator(".count")).to_have_text("1")
    expect(new_part.locator(f"a[href='/incidents/{older.reference}/']")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    # Read again, the home page agrees: the complaint is no longer waiting.
    phone.reload()
    expect(phone.locator(f"#part-commune_police-140305-new a[href='/incidents/{complaint.reference}/']")).to_have_count(
        0
    )


def test_a_district_officer_sees_the_communes_that_have_not_submitted_before_approving(phone, places, vannak):
    month = due_periods()[0]
    report(places["140305"], month, ReportStatus.SUBMITTED)
    sign_in(phone, "vannak")

    due = phone.locator(".queue-part li", has=phone.locator(f"a[href='/reports/1403/{month.id}/']")).first
    expect(due).to_contain_text("1 ក្នុងចំណោម 2 មិនទាន់មកដល់")
    expect(due.locator(f"a[href='/reports/140306/{month.id}/']")).to_contain_text("Kampong Trabaek")
    no_sideways_scrolling(phone)

    due.locator(f"a[href='/reports/1403/{month.id}/']").click()
    chain = phone.locator("section.chain")
    expect(chain).to_contain_text("ឃុំ/សង្កាត់ 1 ក្នុងចំណោម 2 មិនទាន់ដាក់ជូនរបាយការណ៍")
    expect(chain.locator("li.behind")).to_contain_text("មិនទាន់ចាប់ផ្ដើម")
    expect(chain.locator("li.done")).to_contain_text("បានដាក់ជូន")
    expect(phone.locator(f"button[formaction='/reports/1403/{month.id}/approve/']")).to_have_count(0)
    no_sideways_scrolling(phone)
    chain.screenshot(path=str(screenshot_dir() / "approval-chain-district-km.png"))


# --- screenshots of every role's home page --------------------------------------------------


def screenshot_dir() -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def a_working_day(places, users) -> None:
    """Records and reports in the states each queue shows."""
    for village in ("14030501", "14030502"):
        on_time(places[village], channel=Channel.PUBLIC_WEB)
    overdue(places["14030501"], days_late=10, status=Status.ACKNOWLEDGED, acknowledged_at=NOW - 9 * DAY)
    on_time(places["14030502"], status=Status.UNDER_REVIEW, acknowledged_at=NOW - 5 * DAY)
    on_time(
        places["14030501"],
        status=Status.INVESTIGATING,
        assigned_to=users["sokha"],
        acknowledged_at=NOW - DAY,
        first_action_at=NOW,
    )
    for n, village in enumerate(("14030501", "14030601", "14030502")):
        overdue(places[village], days_late=12 + n, escalated_to_level=2 - n % 2, escalated_at=NOW - DAY)
    incident(places["14030501"], status=Status.CLOSED)
    month, quarter = due_periods()[:2]
    report(places["140306"], month, ReportStatus.SUBMITTED)
    report(places["140305"], quarter, ReportStatus.SUBMITTED)
    report(places["140306"], quarter, ReportStatus.SUBMITTED)
    send_reminders()
    verify_and_record()


def test_every_roles_home_page_in_khmer_and_english(browser, live_server, policy, places, make_user):
    users = {
        "commune_police": make_user("sokha", Role.COMMUNE_POLICE, places["140305"], full_name="Sokha Chan"),
        "commune_council": make_user("srey", Role.COMMUNE_COUNCIL, places["140305"], full_name="Srey Mom"),
        "village_chief": make_user("chief", Role.VILLAGE_CHIEF, places["14030501"], full_name="Phalla Ouk"),
        "district_officer": make_user("vannak", Role.DISTRICT_OFFICER, places["1403"], full_name="Vannak Heng"),
        "provincial_secretariat": make_user("chenda", Role.PROVINCIAL_SECRETARIAT, places["14"], full_name="Chenda"),
        "national_secretariat": make_user("national", Role.NATIONAL_SECRETARIAT, None, full_name="Rithy Nuon"),
        "auditor": make_user("auditor", Role.AUDITOR, None, full_name="Bopha Lim"),
    }
    a_working_day(places, {"sokha": users["commune_police"]})
    assert Incident.objects.count() == 9
    out = screenshot_dir()
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        for language in ("km", "en"):
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
            page.goto("/")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("section.queue").first).to_be_visible()
            no_sideways_scrolling(page)
            path = out / f"home-{role}-{language}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        context.close()
