"""THE KANDAL TEST. Kandal's provincial administration reported for 2022: reported crime down
78% on 2021, 96% of reported crimes solved, traffic accidents up 10% (domain document 002).
From records like theirs, the 2022 annual report of the province must show exactly that —
and the dead and injured of its traffic accidents, summed from the records themselves."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from safevillage.core.periods import Period
from safevillage.incidents.models import Incident
from safevillage.reports.indicators import BY_CODE, Unit, display, from_json
from safevillage.reports.rebuild import differences
from safevillage.reports.tables import build_report_data
from safevillage.reports.trace import trace_q
from tests.reports.community_data import COMMUNITY_QUERIES


def _row(data, filters):
    return next(r for r in data["rows"] if r.get("filters") == filters)


def test_the_2022_annual_report_of_the_province_shows_the_press_release_figures(kandal_records):
    data = build_report_data("08", Period.parse("2022"))
    crime = _row(data, {"crime": "true"})["values"]
    traffic = _row(data, {"category": "traffic_accident"})["values"]
    assert (crime["reported"], crime["reported_year_earlier"]) == (110, 500)
    assert display(from_json(crime["change_year"], Unit.CHANGE), Unit.CHANGE) == "-78%"
    assert display(from_json(crime["solved_share"], Unit.PERCENT), Unit.PERCENT) == "96%"
    assert (traffic["reported"], traffic["reported_year_earlier"]) == (110, 100)
    assert display(from_json(traffic["change_year"], Unit.CHANGE), Unit.CHANGE) == "+10%"
    # For a year the previous period is the year before.
    assert crime["change_previous"] == crime["change_year"] == "-78.00"
    # Solved closures recorded in 2022 are the 106 (2021's were closed in 2021).
    assert crime["solved_closures"] == 106 and crime["clearance_rate"] == "96.36"
    assert [(h["code"], h["value"]) for h in data["headline"]] == [
        ("crime_change", "-78.00"),
        ("crime_solved", "96.36"),
        ("traffic_change", "10.00"),
        ("traffic_accidents", 110),
        ("traffic_deaths", 33),
        ("traffic_injuries", 163),
    ]


def test_the_traffic_accidents_of_2022_with_their_dead_and_injured_come_from_the_records(kandal_records):
    data = build_report_data("08", Period.parse("2022"))
    traffic = _row(data, {"category": "traffic_accident"})["values"]
    assert (traffic["reported"], traffic["traffic_deaths"], traffic["traffic_injuries"]) == (110, 33, 163)
    # The same sums as the register's counted traffic accidents of 2022 (the withdrawn ones,
    # with their 2 deaths and 3 injuries, count nowhere).
    records = Incident.objects.counted().filter(category__code="traffic_accident", period_month__gte=202201)
    assert records.count() == 110
    assert sum(records.values_list("deaths", flat=True)) == 33
    assert sum(records.values_list("injuries", flat=True)) == 163
    # All records: the province's traffic casualties; crimes have no traffic accidents.
    everything = _row(data, {})["values"]
    assert (everything["traffic_deaths"], everything["traffic_injuries"]) == (33, 163)
    crime = _row(data, {"crime": "true"})["values"]
    assert crime["traffic_deaths"] is None and crime["traffic_injuries"] is None
    # The 2021 point 3 (public order and traffic accidents) carries them too.
    point = next(r for r in data["rows"] if r["key"] == "2021-3")["values"]
    assert (point["traffic_deaths"], point["traffic_injuries"]) == (33, 163)
    # A theft row has no traffic accidents: no figure, no link.
    theft = _row(data, {"category": "theft"})
    assert theft["values"]["traffic_deaths"] is None and "traffic_deaths" not in theft["links"]
    # Casualties are no longer typed into the report.
    from safevillage.reports.supplementary import BY_CODE as SUPPLEMENTARY

    assert "traffic_deaths" not in SUPPLEMENTARY and "traffic_injuries" not in SUPPLEMENTARY


def test_the_report_page_shows_the_three_figures(kandal_records, client, national):
    client.force_login(national)
    page = client.get("/reports/08/2022/").content.decode()
    assert "-78%" in page and "96%" in page and "+10%" in page


def test_the_report_page_shows_the_traffic_casualties_linked_to_their_records(kandal_records, client, national):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    page = client.get("/reports/08/2022/").content.decode()
    link = "/incidents/?place=08&amp;period=2022&amp;category=traffic_accident&amp;status=counted"
    assert f'<a href="{link}"><strong class="figure">33</strong> <span>Deaths in traffic accidents</span></a>' in page
    assert (
        f'<a href="{link}"><strong class="figure">163</strong> <span>People injured in traffic accidents</span>' in page
    )
    assert "People killed, summed over the traffic accident records of the period" in page
    # The link selects exactly the 110 traffic accidents of 2022.
    params = dict(parse_qsl(urlsplit(link.replace("&amp;", "&")).query))
    assert Incident.objects.filter(trace_q(params)).count() == 110


def test_the_summaries_equal_the_records(kandal_records):
    assert list(differences()) == []


def test_the_province_is_the_sum_of_its_districts(kandal_records):
    period = Period.parse("2022")
    province = _row(build_report_data("08", period), {"crime": "true"})["values"]
    districts = [_row(build_report_data(code, period), {"crime": "true"})["values"] for code in ("0801", "0802")]
    for code in ("reported", "solved", "unfounded", "open", "arrests", "reported_year_earlier"):
        assert province[code] == sum(d[code] for d in districts), code
    traffic = _row(build_report_data("08", period), {"category": "traffic_accident"})["values"]
    parts = [_row(build_report_data(c, period), {"category": "traffic_accident"})["values"] for c in ("0801", "0802")]
    for code in ("traffic_deaths", "traffic_injuries"):
        assert traffic[code] == sum(p[code] for p in parts), code


def test_a_quarter_read_from_communes_equals_its_months_read_from_villages(kandal_records):
    """The commune x quarter grain and the village x month grain give the same figures."""
    quarter = _row(build_report_data("08", Period.parse("2022Q1")), {})["values"]
    months = [_row(build_report_data("08", Period.parse(m)), {})["values"] for m in ("202201", "202202", "202203")]
    for code in ("reported", "solved", "mediated", "open", "arrests", "solved_closures", "traffic_deaths"):
        assert quarter[code] == sum(m[code] for m in months), code
    assert quarter["traffic_injuries"] == sum(m["traffic_injuries"] for m in months) > 0
    village = _row(build_report_data("08010101", Period.parse("2022")), {})["values"]
    assert 0 < village["reported"] < quarter["reported"] * 4


COUNTED = {"reported", "reported_previous", "reported_year_earlier", "solved", "solved_closures", "mediated"}
COUNTED |= {"referred", "transferred", "unfounded", "open", "overdue"}


@pytest.mark.parametrize("place", ["08", "08010102"])
def test_every_count_links_to_exactly_the_records_it_counts(kandal_records, place):
    now = timezone.now()
    data = build_report_data(place, Period.parse("2022"), now=now)
    checked = 0
    for row in data["rows"]:
        for code, url in row.get("links", {}).items():
            params = dict(parse_qsl(urlsplit(url).query))
            assert urlsplit(url).path == "/incidents/"
            assert params.get("place") == place
            records = Incident.objects.filter(trace_q(params, now=now))
            if code in COUNTED:
                assert records.count() == row["values"][code], (row["key"], code, url)
                checked += 1
            elif code in ("arrests", "traffic_deaths", "traffic_injuries"):
                field = {"arrests": "arrests", "traffic_deaths": "deaths", "traffic_injuries": "injuries"}[code]
                assert sum(records.values_list(field, flat=True)) == row["values"][code], (row["key"], code)
                if code != "arrests":
                    assert set(records.values_list("category__code", flat=True)) <= {"traffic_accident"}
            elif BY_CODE[code].unit == Unit.PERCENT:
                assert records.count() == row["values"]["solved" if code == "solved_share" else "solved_closures"]
    assert checked > 100


def test_channels_are_counted_and_linked(kandal_records):
    data = build_report_data("08", Period.parse("2022"))
    by_channel = {c["channel"]: c for c in data["channels"]}
    assert sum(c["values"]["reported"] for c in data["channels"]) == 110 + 110 + 60
    phone = by_channel["phone"]
    params = dict(parse_qsl(urlsplit(phone["links"]["reported"]).query))
    assert Incident.objects.filter(trace_q(params)).count() == phone["values"]["reported"]


def test_a_national_yearly_report_reads_summaries_never_the_register(kandal_records):
    with CaptureQueriesContext(connection) as queries:
        data = build_report_data("", Period.parse("2022"))
    assert not [q["sql"] for q in queries.captured_queries if "incidents_incident" in q["sql"]]
    # At most 10 for the register's figures, whatever its size, and the community programmes'
    # own fixed number (pinned in test_community).
    assert len(queries.captured_queries) <= 10 + COMMUNITY_QUERIES
    # The country's figures are Kandal's: the only province with records.
    assert _row(data, {"crime": "true"})["values"]["change_year"] == "-78.00"
    assert data["overdue_included"] is False


def test_the_rate_per_10000_uses_the_population_with_its_source_and_year(kandal_records):
    data = build_report_data("08", Period.parse("2022"))
    assert data["population"] == {"value": 1201581, "year": "2019", "source": "census"}
    # 280 records in 2022 over 1,201,581 residents.
    assert _row(data, {})["values"]["rate_10000"] == "2.33"
    # A district without its own figure adds up its communes'.
    district = build_report_data("0802", Period.parse("2022"))
    assert district["population"] == {"value": 12000, "year": "2019", "source": "estimate"}


def test_a_change_on_nothing_is_not_available_rather_than_infinite(kandal_records):
    data = build_report_data("08", Period.parse("2021"))
    crime = _row(data, {"crime": "true"})["values"]
    assert crime["reported_year_earlier"] == 0 and crime["change_year"] is None
    with translation.override("en"):
        assert display(from_json(crime["change_year"], Unit.CHANGE), Unit.CHANGE) == "n/a"
