"""The commune ranking: crimes per 10,000 residents and the share solved, from the summaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from safevillage.core.periods import Period
from safevillage.places.models import Level, Place, UnitType
from safevillage.reports.ranking import _competition_ranks, commune_ranking
from tests.reports.conftest import change, close, local

Q1 = Period.parse("2025Q1")


def _by_code(ranking):
    return {row.code: row for row in ranking}


@pytest.fixture
def quarter(make_record):
    """2025Q1: five crimes in Kansoam Ak (140305, 11,200 people), three in Kampong Trabaek
    (140306, 14,900), two in Ampov Prey (080101, 9,800), none in Chea Khmau (140401); plus
    records that must not count."""
    for i in range(5):
        record = make_record("14030501", "theft", local(2025, 1 + i % 3))
        if i < 4:
            close(record, "solved", local(2025, 3, 28), arrests=1)
    for _ in range(3):
        make_record("14030601", "assault", local(2025, 2))
    for i in range(2):
        record = make_record("08010101", "burglary", local(2025, 3))
        if i == 0:
            close(record, "solved", local(2025, 3, 30), arrests=1)
    make_record("14040101", "civil_dispute", local(2025, 2))  # not a crime
    make_record("14040101", "theft", local(2025, 4))  # next quarter
    withdrawn = make_record("14040101", "theft", local(2025, 2))
    change(withdrawn, status="withdrawn", withdrawn_reason="Entered twice")


def test_the_commune_with_the_most_crimes_per_resident_ranks_first(quarter):
    ranking = commune_ranking(Q1)
    assert [row.code for row in ranking] == ["140305", "080101", "140306", "140401"]
    first = ranking[0]
    assert (first.crimes, first.population, first.rate, first.rate_rank) == (5, 11200, Decimal("4.46"), 1)
    rows = _by_code(ranking)
    assert rows["080101"].rate == Decimal("2.04")
    assert rows["140306"].rate == Decimal("2.01")
    # No crime, a known population: ranked, at a rate of zero.
    assert (rows["140401"].crimes, rows["140401"].rate, rows["140401"].rate_rank) == (0, Decimal("0.00"), 4)


def test_communes_are_also_ranked_by_the_share_of_their_crimes_solved(quarter):
    rows = _by_code(commune_ranking(Q1))
    assert (rows["140305"].solved, rows["140305"].solved_share, rows["140305"].solved_rank) == (4, Decimal("80.00"), 1)
    assert (rows["080101"].solved_share, rows["080101"].solved_rank) == (Decimal("50.00"), 2)
    assert (rows["140306"].solved_share, rows["140306"].solved_rank) == (Decimal("0.00"), 3)
    # No crime: nothing to solve, no share and no rank.
    assert (rows["140401"].solved_share, rows["140401"].solved_rank) == (None, None)


def test_a_month_and_a_year_read_their_own_grain_with_the_same_rules(quarter):
    february = _by_code(commune_ranking(Period.parse("202502")))
    assert february["140306"].crimes == 3
    assert february["140305"].crimes == 2  # of its thefts in January, February, March, January, February
    year = _by_code(commune_ranking(Period.parse("2025")))
    assert year["140401"].crimes == 1  # the April theft; the withdrawn one counts nowhere
    assert year["140305"].crimes == 5


def test_a_province_ranks_only_its_own_communes(quarter):
    assert [row.code for row in commune_ranking(Q1, "14")] == ["140305", "140306", "140401"]


def test_a_commune_without_a_population_is_listed_last_and_never_ranked(quarter, places, make_record):
    commune = Place.objects.create(
        code="140402", level=Level.COMMUNE, parent=places["1404"], unit_type=UnitType.KHUM, name_km="ក", name_latin="K"
    )
    Place.objects.create(
        code="14040201", level=Level.VILLAGE, parent=commune, unit_type=UnitType.PHUM, name_km="ខ", name_latin="Kh"
    )
    make_record("14040201", "robbery", local(2025, 1))
    ranking = commune_ranking(Q1)
    last = ranking[-1]
    assert (last.code, last.crimes, last.population, last.rate, last.rate_rank) == ("140402", 1, None, None, None)


def test_a_commune_without_its_own_figure_takes_its_villages_total_when_all_are_known(quarter, places):
    Place.objects.filter(code="140305").update(population=None)
    rows = _by_code(commune_ranking(Q1))
    # Its two villages: 1,800 + 1,500 people.
    assert rows["140305"].population == 3300
    assert rows["140305"].rate == Decimal("15.15")
    Place.objects.filter(code="14030502").update(population=None)
    assert _by_code(commune_ranking(Q1))["140305"].population is None


def test_equal_values_share_a_rank():
    assert _competition_ranks([300, 500, None, 300, 100]) == [2, 1, None, 2, 4]


def test_a_category_that_becomes_a_crime_counts_in_the_ranking_at_once(quarter):
    from safevillage.policy.models import Category
    from safevillage.reports.rebuild import differences

    dispute = Category.objects.get(code="civil_dispute")
    dispute.is_crime, dispute.iccs_code, dispute.closure_kind = True, "0000", "crime"
    dispute.save()
    assert _by_code(commune_ranking(Q1))["140401"].crimes == 1
    assert list(differences()) == []
    dispute.is_crime, dispute.iccs_code, dispute.closure_kind = False, "", "complaint"
    dispute.save()
    assert _by_code(commune_ranking(Q1))["140401"].crimes == 0
    assert list(differences()) == []
