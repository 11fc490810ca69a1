"""A figure's list reads its count from the summaries (reports/drill_counts.py): that count
is the number of records the list holds, for every link of a report, and it is used only for
a reader whose jurisdiction covers the figure's place."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from safevillage.core.periods import Period
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident
from safevillage.reports.drill_counts import known_count, summary_count
from safevillage.reports.tables import build_report_data

pytestmark = pytest.mark.django_db


def links(data: dict) -> list[str]:
    out = [link for row in data["rows"] for link in row.get("links", {}).values()]
    return out + [link for row in data["channels"] for link in row["links"].values()]


def test_every_count_a_report_link_carries_is_the_number_of_records_listed(kandal_records, national):
    answered = 0
    for link in links(build_report_data("08", Period.parse("2022"))):
        params = dict(parse_qsl(urlsplit(link).query))
        count = summary_count(params)
        if count is None:
            continue
        answered += 1
        assert count == filter_incidents(Incident.objects.visible_to(national), params).queryset.count(), link
    # The figures' own shapes are answered: reported, by category or crime, closed by outcome.
    assert answered >= 20


def test_other_selections_are_counted_by_the_list():
    assert summary_count({"place": "08", "period": "2022", "status": "counted", "channel": "phone"}) is None
    assert summary_count({"place": "08", "status": "counted"}) is None  # no period
    assert summary_count({"place": "08", "period": "2022", "status": "open"}) is None
    assert summary_count({"place": "0x", "period": "2022", "status": "counted"}) is None


def test_the_summaries_count_only_for_a_reader_whose_jurisdiction_covers_the_place(policy, sokha, chenda):
    # Sokha sees one commune of Prey Veng: the province's figure is not the count of her list.
    province = {"place": "14", "period": "2022", "status": "counted"}
    assert known_count(sokha, province, {}) is None
    assert known_count(chenda, province, {}) == 0
    assert known_count(chenda, {"period": "2022", "status": "counted"}, {}) is None  # the whole country
    assert known_count(chenda, province, {"period": "bad"}) is None
