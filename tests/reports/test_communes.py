"""The communes x categories table and its CSV: the summaries' rows as stored for a month
or a quarter, added up for a year, with the same figures as counting the records."""

from __future__ import annotations

import csv
import io
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest

from safevillage.core.periods import Period
from safevillage.incidents.models import Incident
from safevillage.reports.communes import commune_table
from safevillage.reports.trace import trace_q
from tests.reports.conftest import change, close, local


@pytest.fixture
def records(make_record):
    """Thefts and assaults in two provinces over 2024 and 2025, one closed, one withdrawn."""
    for year in (2024, 2025):
        for month in (1, 2, 5):
            make_record("14030501", "theft", local(year, month))
            make_record("14030601", "assault", local(year, month))
        make_record("08010101", "theft", local(year, 2))
    close(make_record("14030502", "theft", local(2025, 3)), "solved", local(2025, 4, 2), arrests=2)
    withdrawn = make_record("14030501", "theft", local(2025, 1))
    change(withdrawn, status="withdrawn", withdrawn_reason="Entered twice")


def _from_records(first: int, last: int, prefix: str = "") -> Counter:
    """(commune, category code) -> records counted, straight from the register."""
    rows = Incident.objects.counted().filter(period_month__gte=first, period_month__lte=last)
    return Counter((r.place_code[:6], r.category.code) for r in rows if r.place_code.startswith(prefix))


def _reported(table, period_id: str) -> Counter:
    from safevillage.policy.models import Category

    codes = dict(Category.objects.values_list("id", "code"))
    reported = Counter()
    for commune, category_id, row_period, reported_count, *_rest in table:
        if row_period == period_id:
            reported[(commune, codes[category_id])] += reported_count
    return reported


@pytest.mark.parametrize(
    ("period_id", "earlier_id", "months", "earlier_months"),
    [
        ("2025Q1", "2024Q1", (202501, 202503), (202401, 202403)),
        ("202502", "202402", (202502, 202502), (202402, 202402)),
        ("2025", "2024", (202501, 202512), (202401, 202412)),
        ("2025S1", "2024S1", (202501, 202506), (202401, 202406)),
    ],
)
def test_the_table_counts_what_the_register_holds(records, period_id, earlier_id, months, earlier_months):
    table = commune_table("", Period.parse(period_id))
    assert _reported(table, period_id) == _from_records(*months)
    assert _reported(table, earlier_id) == _from_records(*earlier_months)
    assert {row[2] for row in table} == {period_id, earlier_id}


def test_a_quarter_row_carries_every_counter(records):
    from safevillage.reports.models import MEASURES

    [row] = [r for r in commune_table("14", Period.parse("2025Q1")) if r[0] == "140305" and r[2] == "2025Q1"]
    counters = dict(zip(MEASURES, row[3:], strict=True))
    # Two thefts (January, February) and the one solved in April, with its two arrests.
    assert counters["reported"] == 3 and counters["open"] == 2 and counters["solved"] == 1
    assert counters["arrests"] == 2


def test_a_place_lists_only_its_own_communes(records):
    assert {row[0] for row in commune_table("14", Period.parse("2025Q1"))} == {"140305", "140306"}
    assert {row[0] for row in commune_table("1403", Period.parse("2025"))} == {"140305", "140306"}
    assert {row[0] for row in commune_table("08", Period.parse("2025"))} == {"080101"}
    with pytest.raises(ValueError, match="village"):
        commune_table("14030501", Period.parse("2025"))


def test_the_csv_names_each_commune_and_links_each_row_to_its_records(client, national, records):
    client.force_login(national)
    response = client.get("/reports/14/2025Q1/communes.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="communes-14-2025Q1.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    theft = next(r for r in rows if r["commune"] == "140305" and r["category"] == "theft" and r["period"] == "2025Q1")
    assert (theft["province"], theft["district"], theft["reported"], theft["solved"]) == ("14", "1403", "3", "1")
    assert theft["commune_name_latin"] and theft["commune_name_km"]
    url = urlsplit(theft["records"])
    assert url.path == "/incidents/"
    assert Incident.objects.filter(trace_q(dict(parse_qsl(url.query)))).count() == 3
    # Every row's link shows exactly the records it counts.
    for row in rows:
        assert Incident.objects.filter(trace_q(dict(parse_qsl(urlsplit(row["records"]).query)))).count() == int(
            row["reported"]
        )


def test_the_csv_is_the_same_404_outside_the_jurisdiction_and_for_a_village(client, sokha, national, records):
    client.force_login(sokha)
    assert client.get("/reports/08/2025Q1/communes.csv").status_code == 404
    assert client.get("/reports/99/2025Q1/communes.csv").status_code == 404
    client.force_login(national)
    assert client.get("/reports/14030501/2025Q1/communes.csv").status_code == 404
    assert client.get("/reports/14/2025Q9/communes.csv").status_code == 400
