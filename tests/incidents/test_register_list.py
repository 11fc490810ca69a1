"""The register list: what each persona sees, filters kept in the URL, sorting, pages."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safevillage.incidents.models import Channel, Status
from tests.incidents.factories_register import NOW, category, incident, on_time, overdue

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    """The references listed in the table (not those echoed in the search box)."""
    tables = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    return re.findall(r">(\d{2}-\d{4}-\d{4}-\d{6})<", "".join(tables))


def place_options(response) -> list[str]:
    """The codes offered in the place filter (not the periods of the period picker)."""
    select = re.search(r'<select id="id_place".*?</select>', response.content.decode(), re.S)
    return re.findall(r'<option value="(\d+)"', select[0]) if select else []


def listing(client, user, query: str = ""):
    client.force_login(user)
    return client.get("/incidents/" + query)


@pytest.fixture
def two_communes(places):
    """One record in each commune of the Kampong Trabaek district, one in another district."""
    return {
        "kansoam": incident(places["14030501"], description="Cattle stolen near the pagoda"),
        "trabaek": incident(places["14030601"], description="Fight at the wedding"),
        "chea_khmau": incident(places["14040101"]),
    }


def test_commune_officer_sees_only_the_records_of_the_commune(client, sokha, two_communes):
    assert references(listing(client, sokha)) == [two_communes["kansoam"].reference]


def test_neighbouring_commune_officer_sees_none_of_sokhas_records(client, dara, two_communes):
    kansoam = two_communes["kansoam"].reference
    assert kansoam not in references(listing(client, dara))
    # Not by searching for the reference, nor by asking for the commune's code.
    assert references(listing(client, dara, f"?q={kansoam}")) == []
    assert references(listing(client, dara, "?place=140305")) == []


def test_district_officer_sees_both_communes_of_the_district(client, vannak, two_communes):
    shown = set(references(listing(client, vannak)))
    assert shown == {two_communes["kansoam"].reference, two_communes["trabaek"].reference}


def test_account_without_assignment_gets_404_and_visitor_is_sent_to_sign_in(client, nobody, places):
    assert listing(client, nobody).status_code == 404
    client.logout()
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]


def test_place_filter_offers_the_users_places_and_narrows_to_a_code_prefix(client, vannak, places, two_communes):
    response = listing(client, vannak, "?place=140306")
    assert references(response) == [two_communes["trabaek"].reference]
    offered = place_options(response)
    assert offered == ["1403", "140305", "140306"]


def test_commune_officer_is_offered_the_commune_and_its_villages(client, sokha, two_communes):
    offered = place_options(listing(client, sokha))
    assert offered == ["140305", "14030501", "14030502"]


def test_period_filter_takes_a_month_or_a_year(client, sokha, places):
    march = incident(places["14030501"], reported_at=datetime.datetime(2026, 3, 2, 3, tzinfo=datetime.UTC))
    last_year = incident(places["14030501"], reported_at=datetime.datetime(2025, 7, 2, 3, tzinfo=datetime.UTC))
    assert references(listing(client, sokha, "?period=202603")) == [march.reference]
    assert references(listing(client, sokha, "?period=2025")) == [last_year.reference]
    assert references(listing(client, sokha, "?period=202602")) == []


def test_status_open_category_and_channel_filters(client, sokha, places):
    village = places["14030501"]
    closed = incident(village, status=Status.CLOSED)
    open_theft = incident(village, channel=Channel.PHONE)
    assault = incident(village, kind=category("assault", days=(1, 3, 30)), status=Status.INVESTIGATING)
    assert set(references(listing(client, sokha, "?status=open"))) == {open_theft.reference, assault.reference}
    assert references(listing(client, sokha, "?status=closed")) == [closed.reference]
    assert references(listing(client, sokha, "?category=assault")) == [assault.reference]
    assert references(listing(client, sokha, "?channel=phone")) == [open_theft.reference]


def test_overdue_filter_and_marker(client, sokha, places):
    late = overdue(places["14030501"], days_late=3)
    fine = on_time(places["14030501"])
    response = listing(client, sokha, "?overdue=1")
    assert references(response) == [late.reference]
    assert "Not acknowledged in time" in response.content.decode()
    assert "3 days late" in response.content.decode()
    assert fine.reference in references(listing(client, sokha))


def test_free_text_search_reads_reference_and_description(client, vannak, two_communes):
    assert references(listing(client, vannak, "?q=pagoda")) == [two_communes["kansoam"].reference]
    number = two_communes["trabaek"].reference[-6:]
    assert references(listing(client, vannak, f"?q={number}")) == [two_communes["trabaek"].reference]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?place=14x", "A place code has 2, 4, 6 or 8 digits."),
        ("?period=2026-03", "A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026)."),
        ("?period=202613", "A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026)."),
        ("?status=lost", "Unknown status."),
        ("?channel=pigeon", "Unknown channel."),
        ("?category=nonsense", "Unknown category."),
        ("?sort=reference", "Unknown sort order."),
        ("?escalated=9", "Escalation is 0 (national), 1 (province) or 2 (district)."),
        ("?q=" + "x" * 101, "Search for at most 100 characters."),
    ],
)
def test_a_bad_filter_value_is_explained_and_matches_nothing(client, vannak, two_communes, query, message):
    response = listing(client, vannak, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert references(response) == []


def test_errors_are_shown_in_khmer_when_khmer_is_chosen(client, vannak, two_communes, settings):
    client.force_login(vannak)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    response = client.get("/incidents/?status=lost")
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "km"


def test_sorting_by_occurred_date_and_by_status_in_workflow_order(client, sokha, places):
    village = places["14030501"]
    early = incident(village, occurred_at=NOW - datetime.timedelta(days=9), status=Status.CLOSED)
    late = incident(village, occurred_at=NOW - datetime.timedelta(days=3), status=Status.RECEIVED)
    middle = incident(village, occurred_at=NOW - datetime.timedelta(days=5), status=Status.INVESTIGATING)
    assert references(listing(client, sokha, "?sort=occurred")) == [early.reference, middle.reference, late.reference]
    assert references(listing(client, sokha, "?sort=-occurred")) == [late.reference, middle.reference, early.reference]
    assert references(listing(client, sokha, "?sort=status")) == [late.reference, middle.reference, early.reference]


def test_sort_links_keep_the_filters(client, sokha, places):
    incident(places["14030501"])
    html = listing(client, sokha, "?status=open&period=2026").content.decode()
    # With a period the list is newest incident first, so its column offers the other order.
    link = re.search(r'<a href="([^"]*sort=occurred[^"]*)"', html)
    assert link is not None
    assert "status=open" in link.group(1)
    assert "period=2026" in link.group(1)


def test_pages_hold_twenty_five_records_and_a_page_never_more_than_two_hundred(client, sokha, places):
    village = places["14030501"]
    for hour in range(205):
        incident(village, reported_at=NOW - datetime.timedelta(days=1, hours=hour))
    first = listing(client, sokha)
    assert len(references(first)) == 25
    assert "205 records" in first.content.decode()
    pages, response = [references(first)], first
    while link := re.search(r'<a href="([^"]*)" rel="next">', response.content.decode()):
        response = client.get("/incidents/" + html.unescape(link.group(1)))
        pages.append(references(response))
    assert [len(page) for page in pages] == [25] * 8 + [5]
    assert len(references(listing(client, sokha, "?page_size=100000"))) == 200
    # Old numbered links still show their page; one past the end shows the last page.
    assert references(listing(client, sokha, "?page=5")) == pages[4]
    assert references(listing(client, sokha, "?page=999")) == pages[8]


def test_the_number_of_queries_does_not_grow_with_the_records(client, vannak, places, django_assert_max_num_queries):
    for village in ("14030501", "14030502", "14030601"):
        incident(places[village])
    client.force_login(vannak)
    client.get("/incidents/")  # the first request after sign-in also writes the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/incidents/").status_code == 200
    for n in range(40):
        incident(places["14030501" if n % 2 else "14030601"], kind=category("assault" if n % 3 else "theft"))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/incidents/").status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(15):
        client.get("/incidents/?overdue=1&status=open&sort=status")


def test_empty_register_and_empty_filter_say_so(client, sokha):
    assert "There are no records in your places yet." in listing(client, sokha).content.decode()
    assert "No records match these filters." in listing(client, sokha, "?status=closed").content.decode()


def test_reference_links_to_the_record_page(client, sokha, places):
    record = incident(places["14030501"])
    html = listing(client, sokha).content.decode()
    assert f'href="/incidents/{record.reference}/"' in html


def test_htmx_request_gets_only_the_results(client, sokha, places):
    record = incident(places["14030501"])
    client.force_login(sokha)
    response = client.get("/incidents/?status=lost", headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx responses
    assert "<html" not in response.content.decode()
    assert "Unknown status." in response.content.decode()
    assert record.reference in client.get("/incidents/", headers={"HX-Request": "true"}).content.decode()


def test_escalated_filter_shows_records_escalated_to_a_level(client, vannak, places):
    at_district = incident(places["14030501"], escalated_to_level=2)
    at_province = incident(places["14030601"], escalated_to_level=1)
    incident(places["14030601"])
    assert references(listing(client, vannak, "?escalated=2")) == [at_district.reference]
    assert set(references(listing(client, vannak, "?escalated=yes"))) == {at_district.reference, at_province.reference}


def test_the_list_accepts_every_parameter_a_report_figure_links_with(client, sokha, make_incident):
    """Report figures link to the list with quarters, closure months, criteria and outcomes."""
    from safevillage.reports.summary import local_month
    from tests.factories import closed

    record = closed(make_incident(sokha), sokha)
    closed_month = local_month(record.closed_at)
    quarter = f"{record.period_month // 100}Q{(record.period_month % 100 - 1) // 3 + 1}"
    client.force_login(sokha)
    params = f"?period={quarter}&closed={closed_month}&criterion=2021-2&crime=true&status=counted"
    response = client.get(f"/incidents/{params}&outcome=solved&arrests=true")
    assert response.status_code == 200
    assert record.reference in response.content.decode()
    response = client.get(f"/incidents/?period={quarter}&outcome=unfounded")
    assert record.reference not in response.content.decode()
