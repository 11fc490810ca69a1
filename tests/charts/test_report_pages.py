"""Charts and the comparison of the children on the report pages: a national reader sees
Kandal's districts side by side, sorts them, follows a figure to its records; a district
officer sees only their own communes; the PDF prints the charts."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from safevillage.accounts.roles import Role

PROVINCE = "/reports/08/2022/"


@pytest.fixture
def kandal_stueng_officer(kandal, make_user):
    """District officer of Kandal Stueng (0801), Kandal."""
    return make_user("sophal", Role.DISTRICT_OFFICER, kandal["0801"])


def _comparison(page: str) -> str:
    start = page.index('id="comparison"')
    return page[start : page.index("</section>", start)]


def _row_codes(section: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/reports/(\d+)/', section)


def test_the_province_page_draws_its_charts_with_links_to_the_records(client, national, kandal_records):
    client.force_login(national)
    page = client.get(PROVINCE).content.decode()
    for key in ("trend", "mix", "solved", "overdue-age", "completeness"):
        assert f'id="chart-{key}"' in page, key
    trend = page[page.index('id="chart-trend"') : page.index("</figure>", page.index('id="chart-trend"'))]
    links = [unescape(link) for link in re.findall(r'<a href="(/incidents/\?[^"]+)"', trend)]
    assert "/incidents/?place=08&period=202212&status=counted" in links
    assert "/incidents/?place=08&period=202112&status=counted" in links  # the same month a year earlier
    assert "<text>" not in page and "<text " not in page  # no word inside SVG


def test_the_comparison_lists_each_district_with_linked_figures(client, national, kandal_records):
    client.force_login(national)
    section = _comparison(client.get(PROVINCE).content.decode())
    assert _row_codes(section) == ["0801", "0802"]
    assert "/incidents/?place=0801&amp;period=2022&amp;status=counted" in section
    assert "/incidents/?place=0802&amp;period=2022&amp;status=closed&amp;outcome=solved" in section
    assert "/incidents/?place=0801&amp;period=2022&amp;overdue=true" in section
    assert "/reports/completeness/0801/2022/" in section
    assert "/safety/0801/2022/" in section
    assert "/integrity/?place=0801&amp;period=2022&amp;status=open" in section


def test_the_comparison_counts_the_open_integrity_flags_of_the_period(client, national, kandal_records):
    from safevillage.integrity.models import Flag, FlagStatus

    now = timezone.now()
    found = {"severity": "medium", "first_found_at": now, "last_found_at": now}
    Flag.objects.create(place_code="080101", period_id="2022Q2", rule="late_entry", **found)
    Flag.objects.create(place_code="0801", period_id="202203", rule="quick_unfounded", **found)
    Flag.objects.create(place_code="080101", period_id="2021Q4", rule="late_entry", **found)  # another year
    reviewed = {"status": FlagStatus.EXPLAINED, "review_reason": "A flood", "reviewed_at": now}
    Flag.objects.create(place_code="0802", period_id="2022Q1", rule="late_entry", **found, **reviewed)
    client.force_login(national)
    section = _comparison(client.get(PROVINCE + "?sort=-flags").content.decode())
    assert _row_codes(section) == ["0801", "0802"]
    assert '/integrity/?place=0801&amp;period=2022&amp;status=open">2</a>' in section
    assert '/integrity/?place=0802&amp;period=2022&amp;status=open">0</a>' in section


def test_a_figure_of_the_comparison_counts_the_records_its_link_lists(client, national, kandal_records):
    from safevillage.incidents.models import Incident

    client.force_login(national)
    section = _comparison(client.get(PROVINCE).content.decode())
    match = re.search(r'<a href="(/incidents/\?place=0801&amp;period=2022&amp;status=counted)">([\d,]+)</a>', section)
    assert match is not None
    expected = (
        Incident.objects.filter(place_code__startswith="0801", period_month__gte=202201, period_month__lte=202212)
        .exclude(status="withdrawn")
        .count()
    )
    assert int(match.group(2).replace(",", "")) == expected
    assert client.get(unescape(match.group(1))).status_code == 200


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["0801", "0802"]),
        ("-reported", ["0801", "0802"]),
        ("reported", ["0802", "0801"]),
        ("-place", ["0802", "0801"]),
    ],
)
def test_the_comparison_sorts_on_the_server(client, national, kandal_records, sort, order):
    client.force_login(national)
    section = _comparison(client.get(f"{PROVINCE}?sort={sort}").content.decode())
    assert _row_codes(section) == order


def test_the_sorted_column_says_so_and_its_heading_reverses_it(client, national, kandal_records):
    client.force_login(national)
    section = _comparison(client.get(f"{PROVINCE}?sort=reported").content.decode())
    assert re.search(r'aria-sort="ascending"><a href="\?sort=-reported#comparison"', section)


def test_an_unknown_sort_falls_back_to_the_places_order(client, national, kandal_records):
    client.force_login(national)
    response = client.get(f"{PROVINCE}?sort=password")
    assert response.status_code == 200
    assert _row_codes(_comparison(response.content.decode())) == ["0801", "0802"]


def test_a_district_officer_compares_only_their_own_communes(client, kandal_stueng_officer, kandal_records):
    client.force_login(kandal_stueng_officer)
    page = client.get("/reports/0801/2022/").content.decode()
    assert _row_codes(_comparison(page)) == ["080101"]
    assert "place=0802" not in page and "/reports/080201/" not in page
    for other in ("/reports/0802/2022/", "/reports/08/2022/", "/reports/KH/2022/", "/reports/0802/2022/?sort=reported"):
        assert client.get(other).status_code == 404, other


def test_a_commune_page_has_charts_and_no_comparison(client, national, kandal_records):
    client.force_login(national)
    page = client.get("/reports/080101/2022/").content.decode()
    assert 'id="chart-trend"' in page and 'id="chart-completeness"' not in page
    assert 'id="comparison"' not in page
    village = client.get("/reports/08010101/2022/").content.decode()
    assert 'id="chart-trend"' in village and 'id="chart-overdue-age"' not in village


def test_the_national_page_compares_the_provinces(client, national, kandal_records):
    client.force_login(national)
    page = client.get("/reports/KH/2022/").content.decode()
    assert _row_codes(_comparison(page)) == ["08", "14"]


def _static_bytes(page: str) -> int:
    total = 0
    for path in re.findall(r'(?:href|src)="/static/([^"?]+\.(?:css|js))', page):
        found = finders.find(path)
        assert found, path
        total += Path(found).stat().st_size
    return total


def test_a_report_page_with_its_charts_weighs_less_than_300_kb(client, national, kandal_records):
    client.force_login(national)
    response = client.get(PROVINCE)
    page = response.content.decode()
    weight = len(response.content) + _static_bytes(page)
    assert weight < 300 * 1024, weight


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_prints_the_charts(client, national, kandal_records, tmp_path):
    client.force_login(national)
    response = client.get("/reports/08/2022/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Records reported, month by month" in text
    assert "Records of the period by category" in text
    assert "The same month a year earlier" in text


def test_the_supervisors_home_shows_the_trend(client, national, kandal_records):
    client.force_login(national)
    page = client.get("/").content.decode()
    assert 'id="chart-trend-KH"' in page


def test_the_completeness_figures_list_the_reports_they_count(client, national, kandal_records):
    client.force_login(national)
    page = client.get("/reports/completeness/08/2022/").content.decode()
    assert "?only=in#reports-below" in page and "?only=missing#reports-below" in page
    missing = client.get("/reports/completeness/08/2022/?only=missing").content.decode()
    assert "/reports/0801/2022/" in missing and "/reports/0802/2022/" in missing  # no district has approved
    done = client.get("/reports/completeness/08/2022/?only=in").content.decode()
    assert "/reports/0801/2022/" not in done


def test_the_first_reportable_month_draws_what_the_calendar_holds(client, national, kandal):
    client.force_login(national)
    response = client.get("/reports/08/198001/")
    assert response.status_code == 200
    assert 'id="chart-trend"' in response.content.decode()
