"""Finding a place the way people write it: by code, or by a name in either script and in
any of the common spellings."""

from __future__ import annotations

import pytest

from safevillage.places.models import Place

KANDAL_WITH_COENG_TA = "កណ្តាល"  # as NCDD writes it
KANDAL_WITH_COENG_DA = "កណ្ដាល"  # as the MEF list writes it


def codes(query: str) -> list[str]:
    return list(Place.objects.search(query).values_list("code", flat=True))


def test_the_press_spelling_kampong_trabek_finds_kampong_trabaek_district_first(places):
    found = codes("Kampong Trabek")
    assert found[0] == "1403"
    assert "140306" in found  # the commune of the same name comes after the district


def test_kansaom_ak_finds_the_commune_spelt_kansoam_ak(places):
    assert codes("Kansaom Ak")[:2] == ["140305", "14030501"]


@pytest.mark.parametrize("stored", [KANDAL_WITH_COENG_TA, KANDAL_WITH_COENG_DA])
@pytest.mark.parametrize("typed", [KANDAL_WITH_COENG_TA, KANDAL_WITH_COENG_DA])
def test_kandal_is_found_in_khmer_whichever_subscript_is_stored_or_typed(places, stored, typed):
    kandal = places["08"]
    kandal.name_km = stored
    kandal.save()
    assert codes(typed)[0] == "08"


def test_a_code_finds_the_place_then_everything_under_it(places):
    assert codes("1403") == ["1403", "140305", "140306", "14030501", "14030502", "14030601"]
    assert codes("១៤០៣")[0] == "1403"  # typed in Khmer digits


def test_an_exact_name_comes_before_a_longer_name_containing_it(places):
    # "Kandal Stueng" (0801) contains "Kandal"; the province named exactly Kandal comes first.
    assert codes("kandal")[:2] == ["08", "0801"]
    assert codes("Trabaek")[0] == "14030601"  # the village named exactly Trabaek


def test_an_empty_or_punctuation_only_query_finds_nothing(places):
    assert codes("") == []
    assert codes(" -- ") == []


def test_search_happens_in_the_database(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert codes("Kansaom Ak")
