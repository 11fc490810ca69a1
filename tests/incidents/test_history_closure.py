"""History entered after the fact: Kansoam Ak's commune police move the paper case books of
earlier years into the register and give each closure its real date. The figures of those
months count it there; the record and the audit log say it was entered after the fact; only
the commune police may do it, never before the incident, never in the future, and never in a
month whose approved report has locked the figures."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.core.periods import Period, local_date
from safevillage.incidents import actions
from safevillage.incidents.models import Incident, Status
from safevillage.reports import approval
from safevillage.reports.models import Basis, CaseSummary, Grain
from safevillage.reports.rebuild import differences
from safevillage.reports.tables import build_report_data
from tests.exports.helpers import download, export_for, table
from tests.factories import make_incident, nothing_written

pytestmark = pytest.mark.django_db

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
# A theft of September 2025 from the paper books, solved by arrest on 3 October 2025.
OCCURRED = datetime.datetime(2025, 9, 20, 21, 30, tzinfo=PHNOM_PENH)
CLOSED_ON = datetime.date(2025, 10, 3)
SOLVED = {"outcome": "solved", "clearance": "arrest", "arrests": 1}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council(places, make_user):
    """A member of the Kansoam Ak commune council: closes by mediation, enters no history."""
    return make_user("bopha", Role.COMMUNE_COUNCIL, places["140305"], full_name="Bopha Nhem")


@pytest.fixture
def old_theft(policy, sokha):
    return make_incident(sokha, occurred_at=OCCURRED)


def _close_event() -> AuditEvent:
    return AuditEvent.objects.filter(action="incident.close").order_by("-seq").first()


def _crime_row(place_code: str, period: Period) -> dict:
    data = build_report_data(place_code, period)
    return next(r for r in data["rows"] if r.get("filters") == {"crime": "true"})["values"]


def _approve_october(places, sokha, dara, vannak) -> None:
    october = Period.parse("202510")
    approval.submit(places["140305"], october, by=sokha)
    approval.submit(places["140306"], october, by=dara)
    approval.approve(places["1403"], october, by=vannak)


# --- the action ---------------------------------------------------------------------------


def test_the_commune_police_close_an_old_case_on_its_real_date_marked_and_audited(old_theft, sokha):
    done = actions.close(old_theft, by=sokha, version=1, closed_on=CLOSED_ON, **SOLVED)
    done.refresh_from_db()
    assert done.status == Status.CLOSED
    assert local_date(done.closed_at) == CLOSED_ON and done.closed_month == 202510
    assert done.closed_after_the_fact is True
    # The steps never recorded happened by the closure at the latest, not today.
    assert done.acknowledged_at == done.first_action_at == done.closed_at
    event = _close_event()
    assert event.new["after_the_fact"] is True
    assert event.new["closed_on"] == "2025-10-03"
    assert event.new["entered_on"] == local_date(timezone.now()).isoformat()
    assert local_date(event.occurred_at) == local_date(timezone.now())  # the event itself: the entry
    assert verify_chain().intact


def test_a_closure_without_a_date_or_dated_today_is_not_marked(policy, sokha):
    first, second = make_incident(sokha), make_incident(sokha)
    actions.close(first, by=sokha, version=1, **SOLVED)
    assert _close_event().new["after_the_fact"] is False
    actions.close(second, by=sokha, version=1, closed_on=local_date(timezone.now()), **SOLVED)
    for record in (first, second):
        record.refresh_from_db()
        assert record.closed_after_the_fact is False
        assert timezone.now() - record.closed_at < datetime.timedelta(minutes=1)
    assert "closed_on" not in _close_event().new


def test_the_figures_count_the_closure_in_the_month_of_its_date(old_theft, sokha):
    actions.close(old_theft, by=sokha, version=1, closed_on=CLOSED_ON, **SOLVED)
    closed = CaseSummary.objects.filter(basis=Basis.CLOSED, grain=Grain.MONTH, place_code="140305")
    assert list(closed.filter(closed__gt=0).values_list("period_key", "closed", "solved")) == [(202510, 1, 1)]
    october = _crime_row("140305", Period.parse("202510"))
    assert october["solved_closures"] == 1
    this_month = _crime_row("140305", Period.containing(timezone.now()))
    assert this_month["solved_closures"] == 0
    # check_summaries: the counters still equal the records.
    assert list(differences()) == []


def test_reopening_clears_the_mark_and_a_new_closure_of_today_counts_today(old_theft, sokha, vannak):
    done = actions.close(old_theft, by=sokha, version=1, closed_on=CLOSED_ON, **SOLVED)
    reopened = actions.reopen(done, by=vannak, version=done.version, reason="The date was typed wrong.")
    assert Incident.objects.get(pk=reopened.pk).closed_after_the_fact is False
    again = actions.close(reopened, by=sokha, version=reopened.version, **SOLVED)
    again.refresh_from_db()
    assert again.closed_after_the_fact is False and again.closed_month == Period.containing(timezone.now()).first_month
    assert list(differences()) == []


def test_the_day_of_the_incident_is_the_earliest_date_and_the_closure_never_precedes_it(old_theft, sokha):
    done = actions.close(old_theft, by=sokha, version=1, closed_on=OCCURRED.date(), **SOLVED)
    done.refresh_from_db()
    assert local_date(done.closed_at) == OCCURRED.date() and done.closed_at >= done.occurred_at


def test_a_closure_cannot_be_dated_before_the_incident(old_theft, sokha):
    with nothing_written(), pytest.raises(actions.InvalidInput) as refused:
        actions.close(old_theft, by=sokha, version=1, closed_on=datetime.date(2025, 9, 19), **SOLVED)
    assert refused.value.field == "closed_on"
    assert refused.value.message == "A closure cannot be dated before the incident, which happened on 2025-09-20."


def test_a_closure_cannot_be_dated_in_the_future(old_theft, sokha):
    tomorrow = local_date(timezone.now()) + datetime.timedelta(days=1)
    with nothing_written(), pytest.raises(actions.InvalidInput, match="cannot be dated in the future"):
        actions.close(old_theft, by=sokha, version=1, closed_on=tomorrow, **SOLVED)


def test_today_is_read_in_phnom_penh(old_theft, sokha, monkeypatch):
    # 23:30 UTC on 31 December 2026 is already 1 January 2027 in Phnom Penh: that date is today.
    late = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    done = actions.close(old_theft, by=sokha, version=1, closed_on=datetime.date(2027, 1, 1), **SOLVED)
    assert done.closed_at == late and done.closed_after_the_fact is False
    with pytest.raises(actions.InvalidInput, match="future"):
        actions.close(
            make_incident(sokha, occurred_at=OCCURRED),
            by=sokha,
            version=1,
            closed_on=datetime.date(2027, 1, 2),
            **SOLVED,
        )


def test_others_may_not_date_a_closure_in_the_past(old_theft, council):
    with nothing_written(), pytest.raises(actions.NotPermitted) as refused:
        actions.close(old_theft, by=council, version=1, outcome="mediated", closed_on=CLOSED_ON)
    assert refused.value.field == "closed_on" and refused.value.status_code == 403
    # Without a date the council closes by mediation as before.
    assert actions.close(old_theft, by=council, version=1, outcome="mediated").closed_after_the_fact is False


def test_a_closure_cannot_be_dated_in_a_month_whose_report_is_approved(places, old_theft, sokha, dara, vannak):
    _approve_october(places, sokha, dara, vannak)
    before = CaseSummary.objects.filter(basis=Basis.CLOSED).count()
    with nothing_written(), pytest.raises(actions.NotPermitted) as refused:
        actions.close(old_theft, by=sokha, version=1, closed_on=CLOSED_ON, **SOLVED)
    assert refused.value.field == "closed_on"
    assert refused.value.message.startswith(
        "The report covering this place for October 2025 is approved, so its figures are locked"
    )
    assert CaseSummary.objects.filter(basis=Basis.CLOSED).count() == before
    # The next month is open.
    done = actions.close(old_theft, by=sokha, version=1, closed_on=datetime.date(2025, 11, 3), **SOLVED)
    assert done.closed_month == 202511 and list(differences()) == []


def test_the_locked_month_is_refused_in_khmer_too(places, old_theft, sokha, dara, vannak):
    _approve_october(places, sokha, dara, vannak)
    with translation.override("km"), pytest.raises(actions.NotPermitted) as refused:
        actions.close(old_theft, by=sokha, version=1, closed_on=CLOSED_ON, **SOLVED)
    assert re.search("[\u1780-\u17ff]", refused.value.message) and "approved" not in refused.value.message


# --- the page -----------------------------------------------------------------------------


def page(client, user, url: str, data: dict | None = None):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_close_form_takes_the_date_of_an_old_closure(client, old_theft, sokha, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    html = _text(page(client, sokha, f"/incidents/{old_theft.reference}/"))
    assert 'name="close-closed_on_day"' in html and "Date the record was closed" in html
    response = page(
        client,
        sokha,
        f"/incidents/{old_theft.reference}/close/",
        {
            "close-version": "1",
            "close-outcome": "solved",
            "close-clearance": "arrest",
            "close-arrests": "1",
            "close-closed_on": "2025-10-03",
        },
    )
    assert response.status_code == 302
    done = Incident.objects.get(pk=old_theft.pk)
    assert done.closed_after_the_fact and done.closed_month == 202510
    assert _close_event().new["closed_on"] == "2025-10-03"
    html = _text(page(client, sokha, f"/incidents/{old_theft.reference}/"))
    assert "Entered after the fact" in html and "2025-10-03" in html
    # The register's export says it too.
    rows = table(download(client, export_for(client, sokha)))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Reference"] == old_theft.reference and line["Closure entered after the fact"] == "yes"
    assert line["Closed"].startswith("2025-10-03T")


def test_the_close_form_refuses_a_date_before_the_incident_on_its_field(client, old_theft, sokha):
    with nothing_written():
        response = page(
            client,
            sokha,
            f"/incidents/{old_theft.reference}/close/",
            {
                "close-version": "1",
                "close-outcome": "unfounded",
                "close-note": "No theft.",
                "close-closed_on": "2025-01-02",
            },
        )
    assert response.status_code == 400
    assert "A closure cannot be dated before the incident, which happened on 2025-09-20." in _text(response)


def test_the_council_is_not_offered_the_date_and_a_date_sent_anyway_is_refused(client, old_theft, council):
    html = _text(page(client, council, f"/incidents/{old_theft.reference}/"))
    assert 'name="close-outcome"' in html and "closed_on" not in html
    with nothing_written():
        response = page(
            client,
            council,
            f"/incidents/{old_theft.reference}/close/",
            {"close-version": "1", "close-outcome": "mediated", "close-closed_on": "2025-10-03"},
        )
    assert response.status_code == 400
    assert "You may not date a closure in the past" in _text(response)
    assert Incident.objects.get(pk=old_theft.pk).status == Status.RECEIVED


# --- the API ------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_api_closes_an_old_case_on_its_real_date(old_theft, sokha):
    response = api(sokha).post(
        f"/api/v1/incidents/{old_theft.reference}/close/",
        {"version": 1, "closed_on": "2025-10-03", **SOLVED},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["closed_after_the_fact"] is True
    assert datetime.datetime.fromisoformat(body["closed_at"]).astimezone(PHNOM_PENH).date() == CLOSED_ON
    assert _close_event().new["after_the_fact"] is True


@pytest.mark.parametrize(
    ("closed_on", "status", "words"),
    [
        ("2025-09-01", 400, "before the incident"),
        ("2999-01-01", 400, "in the future"),
        ("3 October 2025", 400, "closed_on"),
    ],
)
def test_the_api_refuses_a_date_out_of_bounds(old_theft, sokha, closed_on, status, words):
    with nothing_written():
        response = api(sokha).post(
            f"/api/v1/incidents/{old_theft.reference}/close/",
            {"version": 1, "closed_on": closed_on, **SOLVED},
            format="json",
        )
    assert response.status_code == status and words in response.content.decode()


def test_the_api_refuses_a_past_date_to_the_council_and_in_a_locked_month(
    places, old_theft, council, sokha, dara, vannak
):
    url = f"/api/v1/incidents/{old_theft.reference}/close/"
    with nothing_written():
        response = api(council).post(
            url, {"version": 1, "outcome": "mediated", "closed_on": "2025-10-03"}, format="json"
        )
    assert response.status_code == 403 and "You may not date a closure in the past" in response.content.decode()
    _approve_october(places, sokha, dara, vannak)
    with nothing_written():
        response = api(sokha).post(url, {"version": 1, "closed_on": "2025-10-03", **SOLVED}, format="json")
    assert response.status_code == 403 and "October 2025 is approved" in response.content.decode()


def test_the_schema_documents_the_closure_date():
    from tests.security.schema import api_schema

    components = api_schema()["components"]["schemas"]
    closed_on = components["CloseInputRequest"]["properties"]["closed_on"]
    assert closed_on["format"] == "date" and closed_on.get("nullable") is True
    assert "after the fact" in closed_on["description"]
    assert components["IncidentOutput"]["properties"]["closed_after_the_fact"]["type"] == "boolean"
