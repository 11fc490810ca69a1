"""The community programmes section of the result reports: forums, disputes, training and the
post, on a known set of each, for the commune of Kansoam Ak (140305) and its district of
Kampong Trabaek (1403, with the neighbouring commune 140306); stored with the report when it
is sent up; on the page, in every export and in the API."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.test import APIClient

from safevillage.core.disclosure import suppress
from safevillage.core.periods import Period
from safevillage.core.wordbreak import strip_breaks
from safevillage.disputes.models import Dispute
from safevillage.forums.models import Forum
from safevillage.reports import approval, community
from safevillage.reports.tables import build_report_data
from tests.reports.community_data import COMMUNITY_QUERIES, Q1, day


def figures(place_code: str, period: Period = Q1) -> dict[str, object]:
    return {
        row["key"]: row["value"]
        for group in build_report_data(place_code, period)["community"]
        for row in group["rows"]
    }


def test_the_rows_of_a_commune(programmes):
    got = figures("140305")
    assert got["forums.held"] == 4  # three village forums and the commune's own
    assert (got["forums.compliant_villages"], got["forums.compliant_share"]) == (2, "100.00")
    assert (got["forums.women"], got["forums.men"], got["forums.youth"]) == (65, 59, 25)
    assert (got["forums.issues_raised"], got["forums.issues_done"]) == (3, 1)
    assert (got["disputes.opened"], got["disputes.handled"]) == (3, 2)
    assert (got["disputes.resolved_share"], got["disputes.median_days"]) == ("50.00", "24.0")
    assert (got["training.sessions"], got["training.participants"]) == (1, 3)
    # Gains of 20 and 15 points on a mean before of 55: 17.5 points, 31.82 %.
    assert (got["training.mean_gain"], got["training.increase"]) == ("17.5", "31.82")
    # One officer (Sokha) for 11,200 residents.
    assert got["posts.officers_per_1000"] == "0.09"
    assert (got["posts.villages_with_box"], got["posts.box_share"]) == (1, "50.00")
    assert (got["posts.budget_planned"], got["posts.budget_spent"], got["posts.spent_share"]) == (
        1_000_000,
        400_000,
        "40.00",
    )


def test_the_district_is_its_communes_together(programmes):
    got = figures("1403")
    assert got["forums.held"] == 4  # the neighbour's forum is in April
    # Two of the district's three villages held one in the first quarter.
    assert (got["forums.compliant_villages"], got["forums.compliant_share"]) == (2, "66.67")
    assert (got["disputes.opened"], got["disputes.handled"], got["disputes.resolved_share"]) == (4, 3, "66.67")
    assert got["disputes.median_days"] == "20.0"
    assert (got["training.sessions"], got["training.participants"]) == (2, 5)
    # Gains 20, 15, 20, 10 on a mean before of 52.5: 16.25 points (16.3), 30.95 %.
    assert (got["training.mean_gain"], got["training.increase"]) == ("16.3", "30.95")
    assert got["posts.officers_per_1000"] == "0.08"  # Sokha and Dara for 26,100 residents
    assert (got["posts.villages_with_box"], got["posts.box_share"]) == (2, "66.67")
    assert (got["posts.budget_planned"], got["posts.budget_spent"], got["posts.spent_share"]) == (
        4_000_000,
        1_900_000,
        "47.50",
    )


def test_forum_rhythm_over_a_semester_and_at_the_end_of_a_month(programmes):
    # Held in both quarters: 14030501 only (14030502 missed the second, 14030601 the first).
    semester = figures("1403", Period.parse("2026S1"))
    assert (semester["forums.compliant_villages"], semester["forums.compliant_share"]) == (1, "33.33")
    # A month: not overdue on its last day (a forum within 92 days).
    march = figures("1403", Period.parse("202603"))
    assert (march["forums.compliant_villages"], march["forums.held"]) == (2, 2)


def test_a_village_report_has_no_dispute_or_post_rows(programmes):
    groups = [g["code"] for g in build_report_data("14030501", Q1)["community"]]
    assert "disputes" not in groups and "posts" not in groups and "forums" in groups


@pytest.mark.parametrize("place_code", ["", "14", "1403", "140305"])
def test_the_figures_are_read_with_a_fixed_number_of_queries(programmes, place_code, django_assert_max_num_queries):
    # A few set-based queries for the whole area, never one per village or commune.
    with django_assert_max_num_queries(COMMUNITY_QUERIES):
        community.build_community(place_code, Q1)


def test_an_approved_report_keeps_the_figures_it_was_approved_with(programmes, sokha, dara, vannak):
    approval.submit(programmes["140305"], Q1, by=sokha)
    approval.submit(programmes["140306"], Q1, by=dara)
    report = approval.approve(programmes["1403"], Q1, by=vannak)
    # After the approval: another forum and another closed dispute of the quarter.
    Forum.objects.create(
        place=programmes["14030601"],
        held_on=day("2026-03-20"),
        organiser="x",
        women=1,
        men=1,
        youth=0,
        recorded_by=dara,
    )
    Dispute.objects.create(
        commune=programmes["140306"],
        kind="debt",
        summary="A loan",
        mediators="Commune chief",
        opened_on=day("2026-02-01"),
        closed_on=day("2026-02-11"),
        outcome="agreement",
        recorded_by=dara,
    )
    report.refresh_from_db()
    stored = {r["key"]: r["value"] for g in report.snapshot["community"] for r in g["rows"]}
    assert (stored["forums.held"], stored["forums.compliant_share"], stored["disputes.handled"]) == (4, "66.67", 3)
    live = figures("1403")
    assert (live["forums.held"], live["forums.compliant_share"], live["disputes.handled"]) == (5, "100.00", 4)

    api = APIClient()
    api.force_authenticate(vannak)
    sent = api.get("/api/v1/reports/1403/2026Q1/").json()
    now = api.get("/api/v1/reports/1403/2026Q1/?live=1").json()
    rows = {r["key"]: r for g in sent["community"] for r in g["rows"]}
    assert sent["figures_from"] == "snapshot" and rows["forums.held"]["value"] == 4
    assert {r["key"]: r["value"] for g in now["community"] for r in g["rows"]}["forums.held"] == 5


def test_a_report_stored_before_the_section_reads_without_it(programmes, sokha, client):
    report = approval.submit(programmes["140305"], Q1, by=sokha)
    del report.snapshot["community"]
    report.save(update_fields=["snapshot"])
    client.force_login(sokha)
    page = client.get("/reports/140305/2026Q1/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'id="community"' not in page.content.decode()
    assert APIClient().get("/api/v1/reports/140305/2026Q1/").status_code in (401, 403)
    api = APIClient()
    api.force_authenticate(sokha)
    assert api.get("/api/v1/reports/140305/2026Q1/").json()["community"] == []


def test_the_page_shows_each_figure_with_the_list_behind_it(programmes, client, national):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    body = client.get("/reports/1403/2026Q1/").content.decode()
    assert "Community programmes" in body
    assert 'href="/forums/1403/?quarter=2026Q1">4</a>' in body
    assert 'href="/disputes/1403/?period=2026Q1">67%</a>' in body
    assert 'href="/training/?place=1403&amp;period=2026Q1">+16.3</a>' in body
    assert "4,000,000" in body
    # The links lead to the lists, which show the same things.
    assert client.get("/forums/1403/?quarter=2026Q1").status_code == 200
    disputes = client.get("/disputes/1403/?period=2026Q1")
    assert disputes.status_code == 200
    training = client.get("/training/?place=140305&period=2026Q1").content.decode()
    assert training.count("/training/") and "Harm reduction" in training
    assert "Harm reduction" not in client.get("/training/?place=140306&period=2026Q1").content.decode()
    assert "Harm reduction" not in client.get("/training/?place=1403&period=2026Q2").content.decode()
    assert client.get("/training/?period=2026Q5").status_code == 400


def test_a_commune_officer_sees_the_figures_but_no_link_to_pages_they_may_not_open(programmes, client, sokha):
    client.force_login(sokha)
    client.cookies["django_language"] = "en"
    body = client.get("/reports/140305/2026Q1/").content.decode()
    assert 'href="/forums/140305/?quarter=2026Q1">4</a>' in body
    # Commune police do not read the training pages: the figure is there, the link is not.
    assert "/training/?place=140305" not in body and ">+17.5<" in body


def test_the_khmer_page_names_the_programmes_in_khmer(programmes, client, national):
    client.force_login(national)
    client.cookies["django_language"] = "km"
    body = client.get("/reports/1403/2026Q1/", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "វេទិកាសាធារណៈ" in body and "ការដោះស្រាយវិវាទក្រៅប្រព័ន្ធតុលាការ" in body


def test_csv_and_excel_carry_the_section(programmes, client, national):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    body = client.get("/reports/1403/2026Q1/report.csv").content.decode("utf-8-sig")
    rows = {r[2]: r for r in csv.reader(io.StringIO(body))}
    assert rows["community/forums.held"][3:] == ["Public forums held", "4"]
    assert rows["community/disputes.median_days"][4] == "20.0"
    assert rows["community/posts.budget_spent"][4] == "1900000"

    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/1403/2026Q1/report.xlsx").content))
    sheet = [[c.value for c in row] for row in book["Community programmes"].iter_rows()]
    values = {str(name).strip(): value for name, value in sheet[1:] if name}
    assert values["Public forums held"] == 4
    assert values["Share of villages keeping to the rhythm"] == pytest.approx(66.67)
    assert values["Mean gain, points of 100"] == pytest.approx(16.3)
    assert values["Budget spent in 2026 (riel)"] == 1_900_000


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_khmer_pdf_carries_the_section(programmes, client, national, tmp_path):
    client.force_login(national)
    client.cookies["django_language"] = "km"
    with translation.override("km"):
        response = client.get("/reports/1403/2026Q1/report.pdf", HTTP_ACCEPT_LANGUAGE="km")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    plain = re.sub(r"\s+", "", strip_breaks(text.stdout))
    for expected in ("វេទិកាសាធារណៈ", "ប៉ុស្តិ៍នគរបាល", "៤,០០០,០០០", "៦៧%", "១២/១២"):
        assert expected in plain, expected


def test_a_suppressed_table_gives_rows_that_never_show_a_small_count():
    # Services by key population: 3 people in one cell, the rest large or zero.
    table = suppress([[3, 20], [0, 15], [0, 0]])
    names = {"hiv": ("HIV testing", "ធ្វើតេស្តអេដស៍"), "harm": ("Harm reduction", "កាត់បន្ថយ"), "legal": ("Legal", "ច្បាប់")}
    rows = community.published_rows("referrals", table, ["hiv", "harm", "legal"], names, community.REFERRALS)
    shown = {r.key: (r.value, r.suppressed) for r in rows}
    assert shown["referrals.legal"] == (0, False)  # a zero reveals nobody
    assert shown["referrals.hiv"] == (None, True)  # the row holding the 3, hidden with it
    # The rows are the suppressed table's own figures: never a count from 1 to 10.
    assert all(not 1 <= r.value <= 10 for r in rows if r.value is not None)
    assert [r.value for r in rows if r.key != "referrals.hiv"] == [table.total, *table.row_totals[1:]]
    with translation.override("en"):
        assert community.display(None, "count", suppressed=True) == "hidden"
        assert community.display(None, "count") == "n/a"
    assert community.display(Decimal("47.5"), "percent") == "48%"
    assert community.bilingual(_lazy("Value")) == ("Value", "តម្លៃ")


def test_a_suppressed_row_is_printed_hidden_on_the_page_and_empty_in_exports(programmes, client, national, monkeypatch):
    table = suppress([[3, 20], [0, 15]])
    names = {"hiv": ("HIV testing", "ធ្វើតេស្តអេដស៍"), "harm": ("Harm reduction", "កាត់បន្ថយ")}
    provider = community.Provider(
        "referrals",
        community.REFERRALS,
        lambda area: community.published_rows("referrals", table, ["hiv", "harm"], names, community.REFERRALS),
    )
    monkeypatch.setattr(community, "PROVIDERS", [*community.PROVIDERS, provider])
    client.force_login(national)
    client.cookies["django_language"] = "en"
    page = client.get("/reports/1403/2026Q1/").content.decode()
    assert "Referrals to health and social services" in page and "<td>hidden</td>" in page
    body = client.get("/reports/1403/2026Q1/report.csv").content.decode("utf-8-sig")
    rows = {r[2]: r for r in csv.reader(io.StringIO(body))}
    assert rows["community/referrals.hiv"][4] == ""
