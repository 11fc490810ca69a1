"""The report pages: a commune officer sees and sends up their commune's report, the
neighbour sees nothing of it, the district approves, figures link to their records."""

from __future__ import annotations

import re

import pytest

from safevillage.audit.models import AuditEvent
from safevillage.reports.models import ReportStatus, ResultReport
from tests.reports.conftest import close, local

REPORT = "/reports/140305/202510/"


@pytest.fixture
def october(make_record):
    """Two October 2025 records in Kansoam Ak, one solved."""
    theft = make_record("14030501", "theft", local(2025, 10, 4))
    close(theft, "solved", local(2025, 10, 20), arrests=1)
    make_record("14030502", "traffic_accident", local(2025, 10, 9), channel="phone")


def test_the_commune_officer_sees_the_report_with_links_to_the_records(client, sokha, october):
    client.force_login(sokha)
    response = client.get(REPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kansoam Ak" in page or "កន្សោមអក" in page
    links = re.findall(r'href="(/incidents/\?[^"]+)"', page)
    assert links and all("place=140305" in link for link in links)
    assert any("period=202510" in link and "status=counted" in link for link in links)
    assert 'formaction="/reports/140305/202510/submit/"' in page
    assert "/reports/140305/202510/approve/" not in page
    for fmt in ("xlsx", "pdf", "csv", "json"):
        assert f"/reports/140305/202510/report.{fmt}" in page


@pytest.mark.parametrize(
    "url",
    [
        REPORT,
        "/reports/140305/202510/report.xlsx",
        "/reports/140305/202510/report.csv",
        "/reports/140305/202510/report.json",
        "/reports/999999/202510/",
        "/reports/KH/202510/",
    ],
)
def test_the_neighbouring_commune_gets_the_same_404(client, dara, october, url):
    client.force_login(dara)
    assert client.get(url).status_code == 404


def test_the_neighbour_cannot_send_the_report_up(client, dara, october):
    client.force_login(dara)
    assert client.post(f"{REPORT}submit/").status_code == 404
    assert client.post(f"{REPORT}edit/", {"patrols": "3"}).status_code == 404
    assert not ResultReport.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_nobody_sees_nothing(client, nobody, october):
    assert client.get(REPORT).status_code == 302
    client.force_login(nobody)
    assert client.get(REPORT).status_code == 404


def test_a_bad_period_is_a_400_that_says_what_a_period_is(client, sokha, settings):
    client.force_login(sokha)
    client.cookies["django_language"] = "en"
    response = client.get("/reports/140305/2025Q7/")
    assert response.status_code == 400
    assert "Q1 to Q4" in response.content.decode()


def test_submitting_from_the_page(client, sokha, october):
    client.force_login(sokha)
    response = client.post(f"{REPORT}submit/", {"version": ""})
    assert response.status_code == 302
    report = ResultReport.objects.get(place_code="140305", period_id="202510")
    assert report.status == ReportStatus.SUBMITTED and report.snapshot
    page = client.get(REPORT).content.decode()
    assert "/reports/140305/202510/submit/" not in page
    assert "?live=1" in page


def test_saving_bad_values_shows_the_errors_and_saves_nothing(client, sokha, october):
    client.force_login(sokha)
    response = client.post(
        f"{REPORT}edit/", {"patrols": "-1", "achievements": "Forums", "forum_participants_women": "3"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_patrols"' in page and 'aria-invalid="true"' in page
    assert "Forums" in page  # what was typed is kept
    assert not ResultReport.objects.exists()
    response = client.post(f"{REPORT}edit/", {"patrols": "4", "forums_held": "1", "achievements": "Forums"})
    assert response.status_code == 302
    assert ResultReport.objects.get().supplementary == {"patrols": 4, "forums_held": 1}


def test_the_district_approves_from_its_page_once_the_communes_have_submitted(client, sokha, dara, vannak, october):
    client.force_login(vannak)
    page = client.get("/reports/1403/202510/").content.decode()
    # Before approving, the district sees the communes that have not submitted, not the button.
    assert 'formaction="/reports/1403/202510/approve/"' not in page
    assert "2 of 2 communes have not submitted their reports yet" in page
    refused = client.post("/reports/1403/202510/approve/")
    assert refused.status_code == 400 and "140305" in refused.content.decode()
    for officer, code in ((sokha, "140305"), (dara, "140306")):
        client.force_login(officer)
        assert client.post(f"/reports/{code}/202510/submit/").status_code == 302
    client.force_login(vannak)
    assert 'formaction="/reports/1403/202510/approve/"' in client.get("/reports/1403/202510/").content.decode()
    assert client.post("/reports/1403/202510/approve/").status_code == 302
    assert ResultReport.objects.get(place_code="1403").status == ReportStatus.APPROVED
    # The district cannot un-approve its own approval; the form is not offered.
    assert 'action="/reports/1403/202510/unapprove/"' not in client.get("/reports/1403/202510/").content.decode()


def test_the_province_sends_a_district_back_with_a_reason(client, sokha, dara, vannak, chenda, october):
    for officer, path in ((sokha, "140305"), (dara, "140306"), (vannak, "1403")):
        client.force_login(officer)
        client.post(f"/reports/{path}/202510/{'approve' if len(path) == 4 else 'submit'}/")
    client.force_login(chenda)
    page = client.get("/reports/1403/202510/").content.decode()
    assert 'action="/reports/1403/202510/unapprove/"' in page
    assert client.post("/reports/1403/202510/unapprove/", {"reason": ""}).status_code == 400
    assert client.post("/reports/1403/202510/unapprove/", {"reason": "Check the thefts"}).status_code == 302
    assert ResultReport.objects.get(place_code="1403").status == ReportStatus.RETURNED
    assert AuditEvent.objects.get(action="report.unapprove").reason == "Check the thefts"


def test_completeness_page(client, sokha, vannak, october):
    client.force_login(sokha)
    client.post(f"{REPORT}submit/")
    client.force_login(vannak)
    response = client.get("/reports/completeness/1403/202510/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "140305" in page and "140306" in page and "50%" in page
    # A commune has no reports below it; another district is not the officer's.
    assert client.get("/reports/completeness/140305/202510/").status_code == 404
    assert client.get("/reports/completeness/1404/202510/").status_code == 404


def test_the_index_sends_to_the_chosen_report(client, sokha):
    client.force_login(sokha)
    assert client.get("/reports/").status_code == 200
    response = client.get("/reports/", {"place": "140305", "period": "2025q4"})
    assert response.status_code == 302 and response["Location"] == "/reports/140305/2025Q4/"
    assert client.get("/reports/", {"place": "140305", "period": "last year"}).status_code == 400


def test_the_national_secretariat_opens_the_country_report(client, national, chenda, october):
    client.force_login(national)
    assert client.get("/reports/KH/2025/").status_code == 200
    client.force_login(chenda)
    assert client.get("/reports/KH/2025/").status_code == 404


def test_a_period_with_any_punctuation_is_still_a_400(client, sokha):
    client.force_login(sokha)
    assert client.get("/reports/140305/2025-10/").status_code == 400


def test_the_level_above_is_linked_only_for_those_who_may_see_it(client, sokha, vannak, policy):
    client.force_login(vannak)
    assert 'href="/reports/1403/202510/"' in client.get(REPORT).content.decode()
    client.force_login(sokha)
    assert 'href="/reports/1403/202510/"' not in client.get(REPORT).content.decode()


TYPED = {
    "achievements": "Two forums held in Kansoam Ak",
    "difficulties": "Flooded roads in October",
    "next_steps": "",
    "patrols": "12",
    "forums_held": "2",
}


def test_the_submit_button_belongs_to_the_form_of_the_narrative_and_values(client, sokha, october):
    client.force_login(sokha)
    page = client.get(REPORT).content.decode()
    form = re.search(r'<form id="report-form"[^>]*action="([^"]+)"', page)
    assert form and form.group(1) == f"{REPORT}edit/"
    assert re.search(r'<button[^>]*form="report-form"[^>]*formaction="/reports/140305/202510/submit/"', page)


def test_submitting_straight_after_typing_keeps_the_text(client, sokha, october):
    """The officer types the narrative and a figure and presses "Submit" without "Save":
    the report goes up with what was typed, and both steps are in the audit log."""
    client.force_login(sokha)
    response = client.post(f"{REPORT}submit/", {"version": "", **TYPED})
    assert response.status_code == 302
    report = ResultReport.objects.get(place_code="140305", period_id="202510")
    assert report.status == ReportStatus.SUBMITTED
    assert report.achievements == TYPED["achievements"] and report.difficulties == TYPED["difficulties"]
    assert report.supplementary == {"patrols": 12, "forums_held": 2}
    assert report.snapshot["supplementary"] == {"patrols": 12, "forums_held": 2}
    events = list(AuditEvent.objects.filter(action__startswith="report.").order_by("id"))
    assert [e.action for e in events] == ["report.edit", "report.submit"]
    assert events[0].new["achievements"] == TYPED["achievements"]
    page = client.get(REPORT).content.decode()
    assert TYPED["achievements"] in page and TYPED["difficulties"] in page


def test_a_submit_with_a_wrong_value_submits_nothing_and_shows_what_was_typed(client, sokha, october):
    client.force_login(sokha)
    response = client.post(f"{REPORT}submit/", {**TYPED, "forum_participants_women": "9"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_forum_participants_women"' in page and 'aria-invalid="true"' in page
    assert TYPED["achievements"] in page and TYPED["difficulties"] in page and 'value="12"' in page
    # Still editable and submittable: nothing was saved or sent up.
    assert 'formaction="/reports/140305/202510/submit/"' in page
    report = ResultReport.objects.filter(place_code="140305").first()
    assert report is None or (report.status == ReportStatus.DRAFT and report.achievements == "")
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_a_refused_submit_keeps_the_typed_text_on_the_page(client, sokha, october):
    """Someone saved meanwhile (another version): the step is refused, the text stays."""
    client.force_login(sokha)
    assert client.post(f"{REPORT}edit/", {"achievements": "First draft"}).status_code == 302
    response = client.post(f"{REPORT}submit/", {**TYPED, "version": "999"})
    assert response.status_code == 400
    assert TYPED["achievements"] in response.content.decode()
    report = ResultReport.objects.get(place_code="140305")
    assert report.status == ReportStatus.DRAFT and report.achievements == "First draft"


def test_submitting_with_what_was_saved_records_no_empty_edit(client, sokha, october):
    client.force_login(sokha)
    assert client.post(f"{REPORT}edit/", TYPED).status_code == 302
    version = ResultReport.objects.get().version
    assert client.post(f"{REPORT}submit/", {**TYPED, "version": str(version)}).status_code == 302
    actions = list(AuditEvent.objects.filter(action__startswith="report.").values_list("action", flat=True))
    assert actions == ["report.edit", "report.submit"]
    assert ResultReport.objects.get().achievements == TYPED["achievements"]


def test_the_district_approves_with_the_narrative_it_typed(client, sokha, dara, vannak, october):
    for officer, code in ((sokha, "140305"), (dara, "140306")):
        client.force_login(officer)
        assert client.post(f"/reports/{code}/202510/submit/").status_code == 302
    client.force_login(vannak)
    response = client.post("/reports/1403/202510/approve/", {"achievements": "All communes reported", "patrols": "30"})
    assert response.status_code == 302
    report = ResultReport.objects.get(place_code="1403")
    assert report.status == ReportStatus.APPROVED and report.achievements == "All communes reported"
    assert report.supplementary == {"patrols": 30}
