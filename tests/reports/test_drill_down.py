"""Every headline figure drills down to exactly what it counts. Kandal's 2022 annual report
(domain document 002): "-78%" links to the crimes of both years, "96% solved" to the
crimes solved and to the crimes reported ("106 of 110"), a count to its own records. The
links are followed as a reader follows them, on the register list and on the API list."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from rest_framework.test import APIClient

from safevillage.core.periods import Period
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident
from safevillage.reports.indicators import Unit, change, display, ratio
from safevillage.reports.present import present
from safevillage.reports.tables import build_report_data

REPORT = "/reports/08/2022/"


def cards(page: str) -> list[dict]:
    """The headline cards of a report page: the figure, its link, and the links under it."""
    block = re.search(r'<ul class="cards headline">(.*?)</ul>', page, re.S)
    assert block
    out = []
    for card in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
        figure = r'<strong class="figure">([^<]+)</strong> <span>([^<]+)</span>'
        main = re.match(r'\s*<a href="([^"]+)">' + figure, card)
        # A change is not one list: its figure is no link, the lists of both periods are.
        main = main or re.match(r'\s*<p class="figure-box">()' + figure, card)
        assert main, card
        parts_html = re.search(r'<p class="parts">(.*?)</p>', card, re.S)
        parts = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', parts_html.group(1)) if parts_html else []
        out.append(
            {
                "link": html.unescape(main.group(1)),
                "figure": main.group(2),
                "label": main.group(3),
                "parts": [(html.unescape(url), text) for url, text in parts],
            }
        )
    return out


def listed(client, link: str) -> int:
    """How many records the register list shows behind a link."""
    response = client.get(link)
    assert response.status_code == 200
    return response.context["page"].count


def on_the_api(user, link: str) -> int:
    """The same query string on the API list (a figure's link works there too)."""
    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/v1/incidents/", dict(parse_qsl(urlsplit(link).query))).json()["count"]


def casualties(user, link: str, field: str) -> int:
    """The dead or injured summed over the records a link lists (the list's own filter)."""
    params = dict(parse_qsl(urlsplit(link).query))
    records = filter_incidents(Incident.objects.visible_to(user), params).queryset
    return sum(records.values_list(field, flat=True))


@pytest.fixture
def headline(kandal_records, client, national):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    return {card["label"]: card for card in cards(client.get(REPORT).content.decode())}


def test_a_share_links_to_its_numerator_and_its_denominator(headline, client, national):
    solved = headline["Reported crimes solved"]
    assert solved["figure"] == "96%"
    # The figure itself lists the 106 crimes solved, not the 110 reported.
    assert listed(client, solved["link"]) == 106
    (part_link, part_text), (whole_link, whole_text) = solved["parts"]
    assert (part_text, whole_text) == ("106", "110")
    assert listed(client, part_link) == on_the_api(national, part_link) == 106
    assert listed(client, whole_link) == on_the_api(national, whole_link) == 110
    assert display(ratio(106, 110), Unit.PERCENT) == solved["figure"]


@pytest.mark.parametrize(
    ("label", "figure", "now", "before"),
    [
        ("Reported crime, change on the same period a year earlier", "-78%", 110, 500),
        ("Traffic accidents, change on the same period a year earlier", "+10%", 110, 100),
    ],
)
def test_a_change_links_to_both_periods(headline, client, national, label, figure, now, before):
    card = headline[label]
    assert card["figure"] == figure
    (this_link, this_text), (then_link, then_text) = card["parts"]
    assert (this_text, then_text) == (f"Year 2022: {now}", f"Year 2021: {before}")
    assert ("period", "2022") in parse_qsl(urlsplit(this_link).query)
    assert ("period", "2021") in parse_qsl(urlsplit(then_link).query)
    assert listed(client, this_link) == on_the_api(national, this_link) == now
    assert listed(client, then_link) == on_the_api(national, then_link) == before
    assert display(change(now, before), Unit.CHANGE) == figure
    assert card["link"] == ""  # not this year's list alone


def test_a_count_links_to_the_records_it_counts_or_sums(headline, client, national):
    accidents = headline["Traffic accidents"]
    assert listed(client, accidents["link"]) == on_the_api(national, accidents["link"]) == int(accidents["figure"])
    assert accidents["parts"] == []
    deaths, injured = headline["Deaths in traffic accidents"], headline["People injured in traffic accidents"]
    assert casualties(national, deaths["link"], "deaths") == int(deaths["figure"]) == 33
    assert casualties(national, injured["link"], "injuries") == int(injured["figure"]) == 163


def test_every_headline_item_of_the_data_carries_the_links_of_its_parts(kandal_records, national):
    data = build_report_data("08", Period.parse("2022"))
    for item in data["headline"]:
        if item["unit"] in (Unit.PERCENT, Unit.CHANGE):
            numerator, denominator = item["parts"]
            assert item["link"] == numerator["link"]
            for part in item["parts"]:
                assert on_the_api(national, part["link"]) == part["value"]
            compute = ratio if item["unit"] == Unit.PERCENT else change
            assert compute(numerator["value"], denominator["value"]) == Decimal(item["value"])
        else:
            assert item["parts"] == []


def test_a_snapshot_stored_before_parts_existed_drills_down_the_same_way(kandal_records):
    data = build_report_data("08", Period.parse("2022"))
    rows = {row["key"]: row for row in data["rows"]}
    for item in data["headline"]:
        # As approvals stored them: a share or change linked to the period's reported records.
        item.pop("parts")
        item["link"] = rows[item["row"]]["links"]["reported"]
    solved = next(h for h in present(data).headline if h.unit == "percent")
    assert solved.url == rows["crime"]["links"]["solved"]
    assert [p.url for p in solved.parts] == [rows["crime"]["links"]["solved"], rows["crime"]["links"]["reported"]]
