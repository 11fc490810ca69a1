"""Exports carry the same figures as the page: Excel (read back), a Khmer PDF whose text
comes back out, CSV, and a DHIS2 data value set."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.utils import translation

from safevillage.core.wordbreak import ZWSP, break_html, insert_breaks, strip_breaks


def _crime_row(rows):
    return next(row for row in rows if row and row[0] in ("Crimes", "បទល្មើសព្រហ្មទណ្ឌ"))


def test_the_excel_file_reopens_with_the_same_figures(client, national, kandal_records):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    response = client.get("/reports/08/2022/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["Report", "Channels", "Definitions"]
    sheet = book["Report"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row and row[0] == "Criterion, point or category")
    crime = dict(zip(header, _crime_row(rows), strict=False))
    assert crime["Reported in the period"] == 110
    assert crime["Same period a year earlier"] == 500
    assert crime["Change on a year earlier"] == pytest.approx(-78.0)
    assert crime["Share solved"] == pytest.approx(96.36)
    traffic = dict(zip(header, next(r for r in rows if r[0] and r[0].strip() == "Traffic accident"), strict=False))
    assert traffic["Change on a year earlier"] == pytest.approx(10.0)
    assert (traffic["Deaths in traffic accidents"], traffic["People injured in traffic accidents"]) == (33, 163)
    assert crime["Deaths in traffic accidents"] == "n/a"  # crimes hold no traffic accidents
    definitions = [[c.value for c in row] for row in book["Definitions"].iter_rows()]
    assert definitions[1][:2] == ["reported", "Reported in the period"]
    assert ["traffic_deaths", "Deaths in traffic accidents"] in [row[:2] for row in definitions]
    # The casualties are figures now, not supplementary values typed in.
    supplementary = [row[0] for row in book["Supplementary"].iter_rows(values_only=True)]
    assert "Deaths in traffic accidents" not in supplementary and "Patrols carried out" in supplementary


def test_the_csv_has_the_same_figures(client, national, kandal_records):
    client.force_login(national)
    body = client.get("/reports/08/2022/report.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    crime = next(r for r in rows if r["row"] == "crime")
    assert (crime["reported"], crime["change_year"], crime["solved_share"]) == ("110", "-78.00", "96.36")
    assert (crime["traffic_deaths"], crime["traffic_injuries"]) == ("", "")
    traffic = next(r for r in rows if r["row"] == "2021-3/traffic_accident")
    assert (traffic["reported"], traffic["traffic_deaths"], traffic["traffic_injuries"]) == ("110", "33", "163")


def test_the_dhis2_data_value_set(client, national, kandal_records):
    client.force_login(national)
    response = client.get("/reports/08/2022/report.json")
    data = json.loads(response.content)
    assert (data["dataSet"], data["period"], data["orgUnit"]) == ("SV_RESULT_REPORT", "2022", "08")
    values = {(v["dataElement"], v["categoryOptionCombo"]): v["value"] for v in data["dataValues"]}
    assert values[("SV_REPORTED_CRIME", "default")] == "110"
    assert values[("SV_SOLVED_SHARE_CRIME", "default")] == "96.36"
    assert values[("SV_REPORTED_TRAFFIC_ACCIDENT", "default")] == "110"
    assert values[("SV_REPORTED_C2010_NONE", "default")] == str(110 + 60)
    assert values[("SV_TRAFFIC_DEATHS_TRAFFIC_ACCIDENT", "default")] == "33"
    assert values[("SV_TRAFFIC_INJURIES_TRAFFIC_ACCIDENT", "default")] == "163"
    assert values[("SV_TRAFFIC_DEATHS_ALL", "default")] == "33"
    assert values[("SV_TRAFFIC_DEATHS_C2021_3", "default")] == "33"
    # No traffic accident among crimes: "n/a" is left out, never sent as zero.
    assert ("SV_TRAFFIC_DEATHS_CRIME", "default") not in values
    # Other periods' figures are DHIS2's own business.
    assert not any(element.startswith("SV_CHANGE_") or "YEAR_EARLIER" in element for element, _ in values)
    assert len(values) == len(data["dataValues"])  # each element once


def test_khmer_breaks_fall_between_clusters_and_come_out_again():
    assert insert_breaks("កណ្តាល") == f"ក{ZWSP}ណ្តាល"
    assert insert_breaks("ការ") == "ការ"  # a final consonant stays with its syllable
    assert insert_breaks("កាត់") == "កាត់"
    assert insert_breaks("ព្រៃវែង") == f"ព្រៃ{ZWSP}វែង"
    text = "គ្រោះថ្នាក់ចរាចរណ៍ 2022 Kandal"
    assert insert_breaks(insert_breaks(text)) == insert_breaks(text)
    assert strip_breaks(insert_breaks(text)) == text
    html = '<p title="កណ្តាល">កណ្តាល</p><style>p::after { content: "ការពារ"; }</style>'
    assert break_html(html) == f'<p title="កណ្តាល">ក{ZWSP}ណ្តាល</p><style>p::after {{ content: "ការពារ"; }}</style>'


def test_a_page_printed_in_khmer_writes_its_khmer_text_in_khmer_digits():
    html = (
        '<html lang="km"><p title="2022">ឆ្នាំ 2022: 1,234</p><br><span lang="en">Year 2022</span>'
        '<span translate="no">A2B3</span><code>140305</code><p>12<b>3</b></p><style>p { width: 10px; }</style></html>'
    )
    assert break_html(html, khmer_digits=True) == (
        '<html lang="km"><p title="2022">ឆ្នាំ ២០២២: ១,២៣៤</p><br><span lang="en">Year 2022</span>'
        '<span translate="no">A2B3</span><code>140305</code><p>១២<b>៣</b></p><style>p { width: 10px; }</style></html>'
    )
    # A page in English, or without the option, keeps its digits.
    english = html.replace('lang="km"', 'lang="en"')
    assert break_html(english, khmer_digits=True) == english
    assert "2022: 1,234" in break_html(html)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_khmer_pdf_carries_khmer_text(client, national, kandal_records, tmp_path):
    client.force_login(national)
    client.cookies["django_language"] = "km"
    with translation.override("km"):
        response = client.get("/reports/08/2022/report.pdf", HTTP_ACCEPT_LANGUAGE="km")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    # pdftotext puts spaces and line ends between positioned glyph runs of Khmer: compare
    # without them, and without the zero-width spaces the PDF was given.
    plain = re.sub(r"\s+", "", strip_breaks(text.stdout))
    for expected in ("កណ្តាល", "ចោរកម្ម", "គ្រាមុន", "គ្រោះថ្នាក់ចរាចរណ៍", "បានដោះស្រាយ"):
        assert expected in plain, expected
    # Printed in Khmer, the figures are in Khmer digits, as officials print them.
    assert "-៧៨%" in plain and "៩៦%" in plain and "+១០%" in plain
    assert "-78%" not in plain


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_the_pdf_is_printed_with_its_style_sheet(client, national, kandal_records, tmp_path):
    client.force_login(national)
    path = tmp_path / "report.pdf"
    path.write_bytes(client.get("/reports/08/2022/report.pdf").content)

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout

    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)  # landscape, from pdf.css


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_carries_the_traffic_casualties(client, national, kandal_records, tmp_path):
    client.force_login(national)
    client.cookies["django_language"] = "en"
    response = client.get("/reports/08/2022/report.pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    layout = ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"]
    lines = strip_breaks(subprocess.run(layout, capture_output=True, text=True, check=True).stdout).splitlines()
    # The traffic accident row: reported, a year earlier, … then deaths and injuries (the
    # report's table; the category chart and its table name the category with fewer figures).
    traffic = [line.split() for line in lines if line.strip().startswith("Traffic accident ") and len(line.split()) > 8]
    assert traffic and all(row[2:4] == ["110", "100"] and row[-3:-1] == ["33", "163"] for row in traffic)
    assert any(
        "Deaths in traffic accidents" in line and "People killed, summed over the traffic accident records" in line
        for line in lines
    )
