"""The officers' maps: each reader sees their own jurisdiction and nothing above it; each
place leads down a level, a commune to the records behind its figure; the figures come
from the summaries; the page stays light enough for a phone."""

from __future__ import annotations

import re

import pytest

from safevillage.core.periods import Period
from tests.maps.conftest import add_outlines
from tests.maps.support import page_weight

Q1 = "2025Q1"


def page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_maps_open_at_the_readers_own_area(client, national, sokha, nobody):
    client.force_login(national)
    assert re.fullmatch(r"/maps/KH/\d{4}Q\d/\?indicator=reported", client.get("/maps/")["Location"])
    client.force_login(sokha)
    assert client.get("/maps/")["Location"].startswith("/maps/140305/")
    client.force_login(nobody)
    assert client.get("/maps/").status_code == 404


def test_the_choice_form_lands_on_the_map_chosen(client, national, places):
    client.force_login(national)
    response = client.get("/maps/14/", {"period": "2025Q2", "indicator": "overdue"})
    assert response["Location"] == "/maps/14/2025Q2/?indicator=overdue"


def test_the_national_map_leads_to_each_province(client, national, records):
    html = page(client, national, f"/maps/KH/{Q1}/")
    assert '<a href="/maps/14/2025Q1/?indicator=reported" aria-label="Prey Veng: 3"><path class="' in html
    assert '<a href="/maps/08/2025Q1/?indicator=reported" aria-label="Kandal: 1">' in html
    # The table's figures are links to the records behind them.
    assert 'href="/incidents/?place=14&amp;period=2025Q1&amp;status=counted">3</a>' in html


def test_a_district_map_leads_to_its_communes_and_lists_those_without_an_outline(client, national, records):
    html = page(client, national, f"/maps/1403/{Q1}/")
    assert '<a href="/maps/140305/2025Q1/?indicator=reported" aria-label="Kansoam Ak: 3">' in html
    province = page(client, national, f"/maps/14/{Q1}/?indicator=reported")
    assert "unmapped-title" in province and "Kanhchriech" in province  # Kanhchriech has no outline


def test_a_communes_map_leads_to_the_records_behind_its_figure(client, national, records):
    html = page(client, national, f"/maps/140305/{Q1}/?indicator=solved_share")
    assert (
        '<a href="/incidents/?place=140305&amp;period=2025Q1&amp;crime=true&amp;status=closed&amp;outcome=solved"'
        ' aria-label="Kansoam Ak: 50%">'
    ) in html
    # The link shows exactly the record counted.
    listed = page(client, national, "/incidents/?place=140305&period=2025Q1&crime=true&status=closed&outcome=solved")
    assert listed.count("/incidents/14-1403-2025-") >= 1


@pytest.mark.parametrize(
    ("indicator", "label"),
    [
        ("reported", "Kansoam Ak: 3"),
        ("offences_rate", "Kansoam Ak: 0.18"),  # 2 thefts / 11,200 residents * 1,000
        ("solved_share", "Kansoam Ak: 50%"),
        ("overdue", "Kansoam Ak: 2"),  # the theft and the complaint still open
        ("complaints", "Kansoam Ak: 1"),
    ],
)
def test_each_indicator_is_read_from_the_summaries(client, national, records, settings, indicator, label):
    settings.LANGUAGE_CODE = "en"
    html = page(client, national, f"/maps/1403/{Q1}/?indicator={indicator}")
    assert f'aria-label="{label}"' in html


def test_a_place_without_figures_is_no_data(client, national, records, settings):
    settings.LANGUAGE_CODE = "en"
    html = page(client, national, f"/maps/1403/{Q1}/?indicator=solved_share")
    assert 'aria-label="Kampong Trabaek: no data"><path class="nd"' in html


def test_the_safety_classification_is_offered_once_decisions_are_stored(client, national, records, settings):
    from safevillage.safety.classify import classify_place, framework_in_force
    from tests.safety.conftest import ensure_first_thresholds

    settings.LANGUAGE_CODE = "en"
    client.force_login(national)
    assert client.get(f"/maps/1403/{Q1}/?indicator=safety").status_code == 404
    ensure_first_thresholds()
    period = Period.parse(Q1)
    framework = framework_in_force(period)
    decision = classify_place("140305", 3, period, framework)
    html = page(client, national, f"/maps/1403/{Q1}/?indicator=safety")
    assert 'value="safety" selected' in html
    label = {"safe": "Safe", "not_safe": "Not safe", "insufficient": "Insufficient data"}[decision.overall]
    assert f'aria-label="Kansoam Ak: {label}"' in html
    commune = page(client, national, f"/maps/140305/{Q1}/?indicator=safety")
    assert '<a href="/safety/140305/2025Q1/"' in commune


def test_a_commune_officer_cannot_leave_their_commune(client, sokha, records):
    html = page(client, sokha, f"/maps/140305/{Q1}/")
    assert "/maps/1403/" not in html and "/maps/KH/" not in html and "/maps/14/" not in html
    for path in (f"/maps/1403/{Q1}/", f"/maps/14/{Q1}/", f"/maps/KH/{Q1}/", f"/maps/140306/{Q1}/", "/maps/1403/"):
        assert client.get(path).status_code == 404, path


def test_a_missing_place_and_one_not_yours_are_the_same_404(client, sokha, records):
    client.force_login(sokha)
    missing, not_yours = client.get(f"/maps/999999/{Q1}/"), client.get(f"/maps/140306/{Q1}/")
    assert missing.status_code == not_yours.status_code == 404
    main = re.compile(rb"<main.*</main>", re.DOTALL)  # the header holds the path and a CSRF token
    assert main.search(missing.content).group() == main.search(not_yours.content).group()


def test_a_district_officer_goes_up_no_further_than_their_district(client, vannak, records):
    html = page(client, vannak, f"/maps/140305/{Q1}/")
    assert 'href="/maps/1403/2025Q1/?indicator=reported"' in html
    assert "/maps/14/" not in html and "/maps/KH/" not in html


def test_villages_have_no_map_and_a_bad_period_is_named(client, national, places):
    client.force_login(national)
    assert client.get(f"/maps/14030501/{Q1}/").status_code == 404
    response = client.get("/maps/14/2025Q9/")
    assert response.status_code == 400


def test_the_maps_are_in_the_supervisors_menu(client, chenda, sokha, nobody, places):
    client.force_login(chenda)
    assert 'href="/maps/"' in client.get("/").content.decode()
    client.force_login(nobody)
    assert 'href="/maps/"' not in client.get("/").content.decode()


def test_the_map_page_weighs_under_300_kb_on_a_phone(client, national, records):
    add_outlines()
    html = page(client, national, f"/maps/KH/{Q1}/")
    sizes = page_weight(html)
    assert "/static/css/maps.css" in sizes
    assert sum(sizes.values()) < 300_000, sizes
