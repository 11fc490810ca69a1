"""Every main page passes axe-core's WCAG 2.1 A and AA rules with no violation, on a 390 px
phone, in Khmer and in English: the citizen's pages (the complaint form, its receipt, the status
of a complaint, the sign-in page) and, signed in as each role, the home queue, the register, a
record, the new-record form, the reports of a commune, a district and the country, the safety
classification, the maps, pilots, forums, disputes, training, the posts, the people, the
integrity flags, the rankings and the awards (and the public portal's first page).

A page a role may not open (403 or 404) is not that role's page and is not measured; the 404
page itself is measured for the citizen. What folds away (``<details>``: the register's filters,
a map's table) is unfolded first, and forms are measured with their errors too. Each role keeps
one browser context and one page; it reads its home page in both languages and its other pages
in Khmer and English in turn (``languages_of``). Every violation of every page is listed before
the test fails: the rule, its help and the elements it names. Then the keyboard alone: skip to
the content, sign in, and a focus ring that can be seen at each stop."""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from safevillage.accounts.roles import Role
from safevillage.disputes.models import Dispute
from safevillage.forums.models import Forum
from safevillage.pilots.actions import create_pilot
from safevillage.training.models import Curriculum, TrainingSession
from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import PHONE
from tests.factories import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

QUARTER = "2026Q1"
LANGUAGES = ("km", "en")
# Who signs in, where (the home commune of the personas, and the levels above it).
ROLES: dict[str, tuple[str, str | None]] = {
    Role.COMMUNE_POLICE: ("sokha", "140305"),
    Role.COMMUNE_COUNCIL: ("srey", "140305"),
    Role.VILLAGE_CHIEF: ("chief", "14030501"),
    Role.DISTRICT_OFFICER: ("vannak", "1403"),
    Role.PROVINCIAL_SECRETARIAT: ("chenda", "14"),
    Role.NATIONAL_SECRETARIAT: ("national", None),
    Role.SERVICE_PROVIDER: ("provider", "14"),
    Role.AUDITOR: ("auditor", None),
}


def a_commune_at_work(places, users) -> dict[str, str]:
    """One of everything the pages list, in Kansoam Ak (140305); returns the paths to measure."""
    police, district, national = users["sokha"], users["vannak"], users["national"]
    record = make_incident(police)
    make_incident(police, village="14030502", category="robbery")
    forum = Forum.objects.create(
        place=places["14030501"],
        held_on=datetime.date(2026, 1, 15),
        organiser="Chan Dara",
        women=21,
        men=14,
        youth=9,
        recorded_by=police,
    )
    dispute = Dispute.objects.create(
        commune=places["140305"],
        kind="debt",
        summary="A loan of rice not paid back.",
        mediators="Commune council",
        opened_on=datetime.date(2026, 2, 1),
        recorded_by=users["srey"],
    )
    curriculum = Curriculum.objects.create(
        code="harm-reduction", name_km="ការកាត់បន្ថយគ្រោះថ្នាក់", name_en="Harm reduction"
    )
    session = TrainingSession.objects.create(
        curriculum=curriculum,
        place=places["1403"],
        kind="course",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 6),
        trainer="FHI 360",
        max_score=33,
        recorded_by=district,
    )
    pilot = create_pilot(
        by=national,
        name="Night patrols",
        description="Patrols at night.",
        starts_on=datetime.date(2025, 1, 1),
        places=["140305"],
    )
    return {
        "home": "/",
        "register": "/incidents/",
        "record": f"/incidents/{record.reference}/",
        "new record": "/incidents/new/",
        "reports": "/reports/",
        "commune report": f"/reports/140305/{QUARTER}/",
        "district report": f"/reports/1403/{QUARTER}/",
        "national report": f"/reports/KH/{QUARTER}/",
        "safety": "/safety/",
        "commune safety": f"/safety/140305/{QUARTER}/",
        "maps": "/maps/",
        "commune map": f"/maps/140305/{QUARTER}/",
        "pilots": "/pilots/",
        "pilot": f"/pilots/{pilot.pk}/",
        "forums": "/forums/",
        "commune forums": "/forums/140305/",
        "forum": f"/forums/forum/{forum.pk}/",
        "disputes": "/disputes/",
        "dispute": f"/disputes/case/{dispute.pk}/",
        "training": "/training/",
        "training session": f"/training/{session.pk}/",
        "posts": "/posts/",
        "commune post": "/posts/140305/",
        "people": "/accounts/people/",
        "integrity flags": "/integrity/",
        "rankings": "/rankings/",
        "awards": "/awards/",
    }


class Reader:
    """One browser context and one page for a reader, who measures page after page."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True, has_touch=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.found: list[str] = []
        self.measured = 0

    def speak(self, language: str) -> None:
        self.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base_url}])

    def visit(self, name: str, path: str, language: str, *, mine_only: bool = True) -> bool:
        response = self.page.goto(path)
        assert response is not None, path
        if mine_only and response.status in (403, 404):
            return False
        assert response.status < 500, (path, response.status)
        assert "/accounts/login/" not in self.page.url or path == "/accounts/login/", (path, "signed out")
        expect(self.page.locator("html")).to_have_attribute("lang", language)
        self.measure(f"{name} ({path}, {language})")
        return True

    def measure(self, where: str) -> None:
        self.measured += 1
        # What folds away (the register's filters, a map's table) is measured unfolded.
        self.page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        violations = axe_violations(self.page)
        if violations:
            self.found.append(describe(violations, f"{where}: "))

    def assert_clean(self) -> None:
        self.context.close()
        assert not self.found, f"{len(self.found)} of {self.measured} pages have violations:\n" + "\n".join(self.found)


@pytest.fixture
def users(places, make_user):
    return {
        username: make_user(username, role, places[code] if code else None, full_name=username.title())
        for role, (username, code) in ROLES.items()
    }


def languages_of(role_index: int, page_index: int) -> tuple[str, ...]:
    """Each role reads its home page in both languages and every other page in one, Khmer and
    English in turn, so that every page is measured in both languages across the roles;
    AXE_EVERY_LANGUAGE=1 measures every page of every role in both."""
    if page_index == 0 or os.environ.get("AXE_EVERY_LANGUAGE"):
        return LANGUAGES
    return (LANGUAGES[(role_index + page_index) % 2],)


def test_every_officers_page_passes_axe(browser, live_server, policy, places, users):
    paths = list(a_commune_at_work(places, users).items())
    found, measured = [], 0
    for role_index, (username, _place) in enumerate(ROLES.values()):
        client = Client()
        client.force_login(users[username])
        reader = Reader(browser, live_server.url)
        reader.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        # One language after the other: the language is a cookie, so each switch is one call.
        for language in LANGUAGES:
            reader.speak(language)
            for page_index, (name, path) in enumerate(paths):
                if language in languages_of(role_index, page_index):
                    reader.visit(f"{username}: {name}", path, language)
        assert reader.measured > 2, f"{username} opened none of the pages"
        if username == "sokha":  # the new-record form sent empty: its errors are measured with it
            reader.visit("sokha: new record", "/incidents/new/", "en")
            reader.page.locator("button[name=save]").click()
            expect(reader.page.locator(".error-summary")).to_be_visible()
            reader.measure("sokha: new record with errors (en)")
        reader.context.close()
        found += reader.found
        measured += reader.measured
    assert not found, f"{len(found)} of {measured} pages have violations:\n" + "\n".join(found)


def test_the_citizens_pages_pass_axe(browser, live_server, policy, places):
    reader = Reader(browser, live_server.url)
    page = reader.page
    for language in LANGUAGES:
        reader.speak(language)
        for name, path in {
            "home": "/",
            "sign-in": "/accounts/login/",
            "complaint: find the village": "/public/complaint/",
            "status": "/public/status/",
            "not found": "/no-such-page/",
            # The portal reads its language from the address, never a cookie (portal/views.py);
            # tests/browser/test_portal.py measures its place pages.
            "public portal": "/open/" + ("?lang=en" if language == "en" else ""),
        }.items():
            reader.visit(name, path, language, mine_only=False)
        # The complaint form, sent empty: the errors are measured with it.
        reader.visit("complaint", "/public/complaint/?village=14030501", language)
        page.locator("main form button.button").click()
        expect(page.locator(".errorlist").first).to_be_visible()
        reader.measure(f"complaint with errors ({language})")
        page.locator("input[name=category][value=theft]").check()
        page.locator("#id_description").fill("ចោរលួចម៉ូតូនៅមុខផ្ទះខ្ញុំពេលយប់")
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        page.locator("#id_occurred_on_day").fill(str(yesterday.day))
        page.locator("#id_occurred_on_month").fill(str(yesterday.month))
        page.locator("#id_occurred_on_year").fill(str(yesterday.year))
        page.locator("input[name=anonymous][value=yes]").check()
        page.locator("main form button.button").click()
        receipt = page.locator(".receipt").inner_text().strip()
        reader.measure(f"receipt ({language})")
        page.goto("/public/status/")
        page.locator("#id_receipt").fill(receipt)
        page.locator("main form button").click()
        expect(page.locator(".status")).to_be_visible()
        reader.measure(f"status of the complaint ({language})")
    reader.assert_clean()


# --- the keyboard alone ---------------------------------------------------------------------

# Where the focus is, and whether its ring can be seen: an outline of 2 px or more, which
# contrasts 3:1 with the background behind it (WCAG 1.4.11), or, when it does not (a light
# ring on a light page), has a dark ring inside it (a box-shadow).
FOCUSED = """() => {
  const rgb = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement;
  while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] === 0)) behind = behind.parentElement;
  const background = behind ? rgb(getComputedStyle(behind).backgroundColor) : [255, 255, 255];
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    text: (element.innerText || element.getAttribute("aria-label") || element.name || "").trim().slice(0, 40),
    inMain: Boolean(element.closest("main")),
    inSvg: element instanceof SVGElement,
    ring: outlined && (contrast(rgb(style.outlineColor), background) >= 3 || style.boxShadow !== "none"),
    shown: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


def tab(page) -> dict[str, Any]:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keyboard_alone_skips_to_the_content_signs_in_and_shows_where_it_is(
    browser, live_server, policy, places, users, language
):
    """Tab first reaches "Skip to content", shown when focused, which leads into the page;
    the sign-in form is filled and sent without a pointer; and each of the first stops of an
    officer's home page, menu and queue, shows a focus ring (a map draws its own, a thicker
    outline of the place)."""
    a_commune_at_work(places, users)
    reader = Reader(browser, live_server.url)
    reader.speak(language)
    page = reader.page
    page.goto("/")
    skip = tab(page)
    assert skip["tag"] == "a" and skip["shown"] and skip["ring"], skip
    page.keyboard.press("Enter")
    first = tab(page)
    assert first["inMain"] and first["shown"], first

    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # autofocus
    page.keyboard.type("sokha")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("a.signin")).to_have_count(0)
    expect(page.locator("section.queue").first).to_be_visible()

    unringed = []
    for _stop in range(40):
        stop = tab(page)
        if stop["tag"] == "body":
            break
        assert stop["shown"], stop
        if not (stop["ring"] or stop["inSvg"]):
            unringed.append(stop)
    assert not unringed, unringed
    reader.assert_clean()
