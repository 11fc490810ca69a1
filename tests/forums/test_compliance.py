"""Forum compliance on a known schedule: who held a forum in each quarter, who is overdue."""

from __future__ import annotations

import datetime

import pytest

from safevillage.core.periods import Period
from safevillage.forums import compliance
from safevillage.forums.models import Forum

# place code → the days its forums were held
SCHEDULE = {
    "14030501": ["2026-01-15", "2026-04-20"],  # every quarter
    "14030502": ["2026-02-10"],  # missed the second quarter
    "14030601": ["2026-05-05"],  # missed the first quarter
    "140305": ["2026-03-01"],  # a commune's own forum
    # 14040101 (Chea Khmau) and 08010101 (Chheu Teal) never held one
}


@pytest.fixture
def forums(places, sokha):
    for code, days in SCHEDULE.items():
        for day in days:
            Forum.objects.create(
                place=places[code],
                held_on=datetime.date.fromisoformat(day),
                organiser="Village chief",
                women=20,
                men=15,
                youth=8,
                recorded_by=sokha,
            )


def test_a_quarter_counts_the_villages_that_held_their_own_forum(forums):
    q1, q2 = Period.parse("2026Q1"), Period.parse("2026Q2")
    assert compliance.area_share("14", q1) == compliance.Share(held=2, total=4)
    assert compliance.area_share("14", q2) == compliance.Share(held=2, total=4)
    assert compliance.area_share("", q1) == compliance.Share(held=2, total=5)
    assert compliance.area_share("14", q1).percent == 50.0
    # Communes count their own forums apart from their villages'.
    assert compliance.area_share("14", q1, level=3) == compliance.Share(held=1, total=3)
    assert compliance.area_share("14", q2, level=3) == compliance.Share(held=0, total=3)


def test_children_of_a_province_and_of_a_commune(forums):
    q2 = Period.parse("2026Q2")
    districts = {row.code: row for row in compliance.children("14", q2)}
    assert set(districts) == {"1403", "1404"}
    assert districts["1403"].villages == compliance.Share(held=2, total=3)
    assert districts["1403"].communes == compliance.Share(held=0, total=2)
    assert districts["1404"].villages == compliance.Share(held=0, total=1)
    assert districts["1404"].villages.percent == 0.0

    villages = {row.code: row for row in compliance.children("140305", q2)}
    # The village that missed the quarter: 0 of 1, and its last forum is the one of February.
    assert villages["14030502"].villages == compliance.Share(held=0, total=1)
    assert villages["14030502"].last_forum == datetime.date(2026, 2, 10)
    assert villages["14030501"].villages == compliance.Share(held=1, total=1)


def test_a_place_is_overdue_after_92_days_without_a_forum():
    last = datetime.date(2026, 2, 10)
    assert not compliance.is_overdue(last, last + datetime.timedelta(days=92))
    assert compliance.is_overdue(last, last + datetime.timedelta(days=93))
    assert compliance.is_overdue(None, last)


def test_an_archived_village_is_not_counted(forums, places):
    places["14040101"].valid_to = datetime.date(2026, 1, 1)
    places["14040101"].save()
    assert compliance.area_share("14", Period.parse("2026Q1")) == compliance.Share(held=2, total=3)
