"""The seeds' rule: "If a village-commune has no offences recorded then it is called a safe
village-commune. The village-commune with very few offences which they are able to suppress
is also called a safe village-commune." Thresholds of the first set: at most 2 offences of a
criterion per 1,000 residents a year (5.6 in a quarter for 11,200 residents), every one solved."""

from __future__ import annotations

import datetime

import pytest

from safevillage.forums.models import Forum
from safevillage.places.models import Level, Place
from safevillage.safety.classify import classify, classify_place
from tests.reports.conftest import close, local
from tests.safety.conftest import Q1, verdicts

pytestmark = pytest.mark.django_db


def test_a_commune_with_no_offences_is_safe(places, submit, fw2010):
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2010)
    assert decision.overall == "safe"
    assert verdicts(decision) == {n: "pass" for n in range(1, 6)}
    assert decision.criteria[0]["reasons"] == ["no_offences"]
    assert decision.inputs["thresholds"]["version"] == "2010-1"


def test_a_commune_with_two_thefts_both_solved_is_safe(make_record, submit, fw2010):
    for month in (1, 2):
        close(make_record("14030501", "theft", local(2025, month)), "solved", local(2025, 3, 1), arrests=1)
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2010)
    assert decision.overall == "safe"
    first = decision.criteria[0]
    assert (first["verdict"], first["reasons"], first["allowed"]) == ("pass", ["few_suppressed"], "5.6")
    assert (first["evidence"]["reported"], first["evidence"]["solved"], first["evidence"]["open"]) == (2, 2, 0)


def test_a_commune_with_an_unsolved_robbery_fails_the_first_criterion(make_record, submit, fw2010):
    make_record("14030502", "robbery", local(2025, 2))
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2010)
    assert decision.overall == "not_safe"
    assert verdicts(decision) == {1: "fail", 2: "pass", 3: "pass", 4: "pass", 5: "pass"}
    assert decision.criteria[0]["reasons"] == ["not_suppressed"]
    assert decision.criteria[0]["evidence"]["open"] == 1


def test_too_many_offences_fail_even_when_all_are_solved(make_record, submit, fw2010):
    for i in range(6):  # 6 > 5.6 allowed in the quarter
        close(make_record("14030501", "theft", local(2025, 1 + i % 3)), "solved", local(2025, 3, 20), arrests=1)
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2010)
    assert decision.criteria[0]["reasons"] == ["too_many"]
    assert decision.overall == "not_safe"


def test_a_commune_that_did_not_submit_its_report_has_insufficient_data(places, submit, fw2010):
    submit("140306", status="returned")  # returned is not submitted
    decision = classify_place("140306", Level.COMMUNE, Q1, fw2010)
    assert decision.overall == "insufficient"
    assert set(verdicts(decision).values()) == {"insufficient"}
    assert decision.criteria[0]["reasons"] == ["no_report"]


def test_monthly_reports_covering_the_quarter_count_as_submitted(places, submit, fw2010):
    from safevillage.core.periods import Period

    for month in ("202501", "202502"):
        submit("140305", Period.parse(month))
    assert classify_place("140305", Level.COMMUNE, Q1, fw2010).overall == "insufficient"
    submit("140305", Period.parse("202503"))
    assert classify_place("140305", Level.COMMUNE, Q1, fw2010).overall == "safe"


def test_an_unknown_population_is_insufficient_data_never_safe(places, submit, fw2010):
    submit("080101")
    # Chheu Teal (08010101) has no population figure.
    decision = classify_place("08010101", Level.VILLAGE, Q1, fw2010)
    assert decision.overall == "insufficient"
    assert decision.criteria[0]["reasons"] == ["no_population"]


def test_a_village_is_judged_on_its_own_records_from_the_register(make_record, submit, fw2010):
    make_record("14030502", "robbery", local(2025, 2))
    submit("140305")
    run = classify("140305", Q1, fw2010, Level.VILLAGE)
    assert run.decisions["14030502"].overall == "not_safe"
    assert run.decisions["14030501"].overall == "safe"
    assert run.decisions["14030502"].criteria[0]["evidence"]["reported"] == 1


def test_2021_point_5_asks_for_a_forum_held_in_the_quarter(places, submit, fw2021, sokha):
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2021)
    assert verdicts(decision) == {1: "pass", 2: "pass", 3: "pass", 4: "pass", 5: "fail", 6: "pass", 7: "pass"}
    assert decision.criteria[4]["reasons"] == ["forums_missed"]
    assert decision.overall == "not_safe"
    # A forum of the commune's own in the quarter; a village's forum does not count for it.
    for code in ("14030501", "140305"):
        Forum.objects.create(
            place=places[code],
            held_on=datetime.date(2025, 2, 14),
            organiser="x",
            women=9,
            men=8,
            youth=3,
            recorded_by=sokha,
        )
        decision = classify_place("140305", Level.COMMUNE, Q1, fw2021)
    assert decision.criteria[4]["reasons"] == ["forums_held"]
    assert decision.criteria[4]["evidence"]["forum_quarters"] == decision.criteria[4]["evidence"]["quarters"] == 1
    assert decision.overall == "safe"
    village = classify("140305", Q1, fw2021, Level.VILLAGE).decisions
    assert village["14030501"].criteria[4]["verdict"] == "pass"
    assert village["14030502"].criteria[4]["verdict"] == "fail"


def test_2021_points_that_are_not_crimes_use_their_own_evidence(make_record, submit, fw2021):
    # A public-service complaint still open long past its 15-day deadline; a traffic accident
    # that killed someone; a hygiene complaint handled.
    make_record("14030501", "public_service", local(2025, 1))
    make_record("14030501", "traffic_accident", local(2025, 2), deaths=1, injuries=2)
    close(make_record("14030501", "environment_hygiene", local(2025, 2)), "mediated", local(2025, 2, 20))
    submit("140305")
    decision = classify_place("140305", Level.COMMUNE, Q1, fw2021)
    by_number = {item["number"]: item for item in decision.criteria}
    assert (by_number[1]["verdict"], by_number[1]["reasons"], by_number[1]["evidence"]["overdue"]) == (
        "fail",
        ["overdue"],
        1,
    )
    assert (by_number[3]["verdict"], by_number[3]["reasons"]) == ("fail", ["traffic_deaths"])
    assert by_number[3]["evidence"]["deaths"] == 1
    assert (by_number[6]["verdict"], by_number[6]["reasons"]) == ("pass", ["handled_in_time"])
    assert decision.overall == "not_safe"


def test_a_district_classifies_all_its_communes_from_the_summaries(
    make_record, submit, fw2010, django_assert_max_num_queries
):
    make_record("14030601", "robbery", local(2025, 2))
    submit("140305")
    submit("140306")
    with django_assert_max_num_queries(20):
        run = classify("1403", Q1, fw2010)
    assert {code: d.overall for code, d in run.decisions.items()} == {"140305": "safe", "140306": "not_safe"}
    assert Place.objects.filter(code__startswith="1403", level=Level.COMMUNE).count() == run.places
