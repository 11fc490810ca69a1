"""Keyset pages of the register (core/paging.KeysetPages): the links carry a cursor, so a page's
link can be shared and keeps showing the same records whatever is recorded meanwhile, and a
cursor only positions: the reader's jurisdiction and filters still decide what is listed."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from rest_framework.test import APIClient

from safevillage.core import paging
from tests.incidents.factories_register import NOW, incident
from tests.problems import assert_problem

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    tables = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    return re.findall(r">(\d{2}-\d{4}-\d{4}-\d{6})<", "".join(tables))


def link(response, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', response.content.decode())
    return "/incidents/" + html.unescape(found.group(1)) if found else None


@pytest.fixture
def twelve(places):
    """Twelve records in Kansoam Ak an hour apart (the newest first in the list), two in the
    neighbouring commune in between."""
    made = [incident(places["14030501"], reported_at=NOW - datetime.timedelta(hours=h)) for h in range(1, 13)]
    for hours in (2.5, 6.5):
        incident(places["14030601"], reported_at=NOW - datetime.timedelta(hours=hours))
    return [record.reference for record in made]


def test_next_and_previous_links_walk_the_list_and_back(client, sokha, twelve):
    client.force_login(sokha)
    first = client.get("/incidents/?page_size=5")
    assert references(first) == twelve[:5]
    assert link(first, "prev") is None
    second = client.get(link(first, "next"))
    assert references(second) == twelve[5:10]
    third = client.get(link(second, "next"))
    assert references(third) == twelve[10:]
    assert link(third, "next") is None
    assert references(client.get(link(third, "prev"))) == twelve[5:10]
    back = client.get(link(second, "prev"))
    assert references(back) == twelve[:5]
    assert link(back, "prev") is None
    assert "page_size=5" in link(second, "next")  # the links keep the page size and filters


def test_a_pages_link_shows_the_same_records_after_new_ones_are_recorded(client, sokha, places, twelve):
    client.force_login(sokha)
    second_link = link(client.get("/incidents/?page_size=5"), "next")
    for minutes in (10, 20, 30):
        incident(places["14030501"], reported_at=NOW - datetime.timedelta(minutes=minutes))
    # Shared or bookmarked, the link means the records after the fifth one it was made from:
    # offsets would now show the three new ones' neighbours again.
    assert references(client.get(second_link)) == twelve[5:10]


def test_a_shared_link_lists_only_what_its_reader_may_see(client, sokha, dara, vannak, twelve):
    client.force_login(sokha)
    second_link = link(client.get("/incidents/?page_size=5"), "next")
    client.force_login(dara)
    # The cursor places Dara in the list at the same moment, among Dara's own records.
    shown = references(client.get(second_link))
    assert shown and not set(shown) & set(twelve)
    client.force_login(vannak)
    district = references(client.get(second_link))
    # After the fifth of Sokha's (5 hours ago): four of Sokha's and Dara's of 6.5 hours ago.
    assert len(district) == 5
    assert set(twelve[5:9]) <= set(district)


def test_an_edited_cursor_shows_the_first_page(client, sokha, twelve):
    client.force_login(sokha)
    for cursor in ("nonsense", "WyJhIiwieCIsMV0", "W10", "x" * 500):
        response = client.get(f"/incidents/?page_size=5&cursor={cursor}")
        assert response.status_code == 200
        assert references(response) == twelve[:5]


def test_an_old_numbered_link_too_deep_for_an_offset_goes_to_the_first_page(client, sokha, twelve, monkeypatch):
    monkeypatch.setattr(paging, "MAX_OFFSET", 5)
    client.force_login(sokha)
    assert references(client.get("/incidents/?page_size=5&page=2")) == twelve[5:10]
    response = client.get("/incidents/?page_size=5&page=3&status=received")
    assert response.status_code == 302
    assert response["Location"] == "/incidents/?status=received&sort=-reported&page_size=5"


def test_a_large_count_says_more_than_the_limit(client, sokha, twelve, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10)
    client.force_login(sokha)
    page = client.get("/incidents/").content.decode()
    assert "More than 10 records" in page
    assert "12 records" not in page


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_api_pages_by_cursor_and_its_next_link_survives_new_records(sokha, places, twelve):
    client = api(sokha)
    first = client.get("/api/v1/incidents/?limit=5").json()
    assert [r["reference"] for r in first["results"]] == twelve[:5]
    assert (first["count"], first["count_capped"], first["previous"]) == (12, False, None)
    incident(places["14030501"], reported_at=NOW)
    second = client.get(first["next"]).json()
    assert [r["reference"] for r in second["results"]] == twelve[5:10]
    assert "limit=5" in second["next"] and "cursor=" in second["next"]
    assert [r["reference"] for r in client.get(second["previous"]).json()["results"]] == twelve[:5]


def test_the_api_still_serves_an_offset_up_to_its_limit(sokha, twelve, monkeypatch):
    client = api(sokha)
    page = client.get("/api/v1/incidents/?limit=5&offset=5").json()
    assert [r["reference"] for r in page["results"]] == twelve[5:10]
    assert "offset" not in page["next"] and "cursor=" in page["next"]
    # A cursor it did not give is ignored (the schema cannot tell one from a real cursor).
    ignored = client.get("/api/v1/incidents/?limit=5&offset=5&cursor=nonsense").json()
    assert [r["reference"] for r in ignored["results"]] == twelve[5:10]
    monkeypatch.setattr(paging, "MAX_OFFSET", 5)
    assert_problem(client.get("/api/v1/incidents/?limit=5&offset=10"), 400, errors=[{"attr": "offset"}])


def test_the_api_count_is_capped(sokha, twelve, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10)
    body = api(sokha).get("/api/v1/incidents/").json()
    assert (body["count"], body["count_capped"]) == (10, True)


@pytest.mark.parametrize("sort", ["-reported", "reported", "-occurred", "occurred", "status", "-status"])
def test_pages_in_every_order_hold_each_record_once(client, vannak, places, sort):
    from safevillage.incidents.models import Status

    statuses = [Status.RECEIVED, Status.INVESTIGATING, Status.CLOSED]
    made = []
    for n in range(9):
        # Months apart, some at the same moment: the keys tie and the id decides.
        when = NOW - datetime.timedelta(days=40 * (n // 2))
        made.append(incident(places["14030501"], reported_at=when, occurred_at=when, status=statuses[n % 3]))
    client.force_login(vannak)
    response = client.get(f"/incidents/?page_size=2&sort={sort}")
    pages = [references(response)]
    while next_link := link(response, "next"):
        response = client.get(next_link)
        pages.append(references(response))
    listed = [reference for page in pages for reference in page]
    everything = references(client.get(f"/incidents/?page_size=200&sort={sort}"))
    assert listed == everything
    assert sorted(listed) == sorted(record.reference for record in made)
    # And back: each previous link gives the page before.
    for before in reversed(pages[:-1]):
        response = client.get(link(response, "prev"))
        assert references(response) == before
