"""On a phone, from the national map down to the records: tap a province, a district, a
commune, then a figure, and the register lists the records behind it; a commune officer's
map is their commune, with no way up. Photographed in Khmer and English
(``SCREENSHOT_DIR``, default var/screenshots/)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_home_queue import screenshot_dir, sign_in
from tests.maps.conftest import add_outlines, make_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("khmer_default")]

QUARTER = "2025Q1"
# What the headings read in each language (the gazetteer's names).
NAMES = {
    "km": {"14": "ព្រៃវែង", "1403": "កំពង់ត្របែក", "140305": "កន្សោមអក"},
    "en": {"14": "Prey Veng", "1403": "Kampong Trabaek", "140305": "Kansoam Ak"},
}


@pytest.fixture
def mapped(places, policy):
    add_outlines()
    make_records()
    return places


def choose(page, language: str) -> None:
    if language == "en":
        page.locator("form.lang button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def snap(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir() / f"maps-{name}.png"), full_page=True)


def tap_place(page, code: str) -> None:
    page.locator(f'svg.choropleth a[href^="/maps/{code}/"]').click()
    expect(page).to_have_url(re.compile(rf"/maps/{code}/{QUARTER}/\?indicator=reported$"))


@pytest.mark.parametrize("language", ["km", "en"])
def test_from_the_national_map_down_to_the_records(phone, mapped, national, language):
    console: list[str] = []
    phone.on("console", lambda message: console.append(message.text))
    sign_in(phone, "national")
    expect(phone.locator("h1")).to_be_visible()
    choose(phone, language)
    phone.goto(f"/maps/KH/{QUARTER}/")
    expect(phone.locator("svg.choropleth path")).to_have_count(2)
    snap(phone, f"national-{language}")
    names = NAMES[language]
    for code in ("14", "1403", "140305"):
        tap_place(phone, code)
        expect(phone.locator("h1")).to_have_text(names[code])
        snap(phone, f"{code}-{language}")
    # The commune's figure, in the table, leads to its three records.
    figure = phone.locator("details.map-table tbody td.num a")
    expect(figure).to_have_text("3")
    figure.click()
    expect(phone).to_have_url(re.compile(rf"/incidents/\?place=140305&period={QUARTER}&status=counted$"))
    expect(phone.locator("main a[href^='/incidents/14-1403-2025-']")).to_have_count(3)
    snap(phone, f"records-{language}")
    # The drawing needs no script and no inline style: nothing the Content-Security-Policy refuses.
    assert not [text for text in console if "Content Security Policy" in text]


@pytest.mark.parametrize("language", ["km", "en"])
def test_a_commune_officer_sees_their_commune_and_cannot_go_up(phone, mapped, sokha, language):
    sign_in(phone, "sokha")
    expect(phone.locator("h1")).to_be_visible()
    choose(phone, language)
    phone.locator("nav.menu a[href='/maps/']").click()
    phone.goto(f"/maps/140305/{QUARTER}/")
    expect(phone.locator("h1")).to_have_text(NAMES[language]["140305"])
    expect(phone.locator("main a[href^='/maps/']")).to_have_count(0)  # nothing above, nothing beside
    snap(phone, f"commune-officer-{language}")
    for path in (f"/maps/1403/{QUARTER}/", f"/maps/KH/{QUARTER}/", f"/maps/140306/{QUARTER}/"):
        assert phone.goto(path).status == 404
    phone.goto(f"/maps/140305/{QUARTER}/")
    # The commune's outline itself leads to the records behind its figure.
    phone.locator("svg.choropleth a").click()
    expect(phone).to_have_url(re.compile(r"/incidents/\?place=140305&period=2025Q1&status=counted$"))
    expect(phone.locator("main a[href^='/incidents/14-1403-2025-']")).to_have_count(3)


def test_the_map_works_from_the_keyboard(phone, mapped, national):
    sign_in(phone, "national")
    expect(phone.locator("h1")).to_be_visible()
    phone.goto(f"/maps/KH/{QUARTER}/")
    # Tab reaches each place of the drawing, in code order, after the form.
    phone.locator("main form button.button").focus()
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.getAttribute('href')")
    assert focused == f"/maps/08/{QUARTER}/?indicator=reported"
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(rf"/maps/08/{QUARTER}/"))
