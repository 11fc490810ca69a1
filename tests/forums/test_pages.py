"""Recording a forum, its issues and their review at the next forum, through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from safevillage.audit.models import AuditEvent
from safevillage.forums.models import Forum, ForumIssue, IssueReview


def forum_form(**overrides):
    data = {
        "held_on_day": "15",
        "held_on_month": "1",
        "held_on_year": "2026",
        "organiser": "Chan Dara, village chief",
        "women": "21",
        "men": "14",
        "youth": "9",
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def police(client, sokha):
    client.force_login(sokha)
    return client


def test_the_commune_police_record_a_forum_in_their_village(police, places):
    response = police.post(reverse("forums:new", args=["14030501"]), forum_form())
    forum = Forum.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("forums:detail", args=[forum.pk])
    assert (forum.place.code, forum.held_on, forum.attendance, forum.youth) == (
        "14030501",
        datetime.date(2026, 1, 15),
        35,
        9,
    )
    event = AuditEvent.objects.get(action="forum.record")
    assert event.place_code == "14030501"
    page = police.get(reverse("forums:place", args=["140305"]), {"quarter": "2026Q1"})
    assert page.status_code == 200
    assert "1 of 2 villages" in page.content.decode()


def test_bad_figures_are_refused_with_their_reason(police, places):
    response = police.post(reverse("forums:new", args=["14030501"]), forum_form(youth="40", held_on_year="2009"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Youth are counted among the women and men: at most 35." in text
    assert "The policy dates from 2010" in text
    assert not Forum.objects.exists()


@pytest.mark.parametrize("code", ["14030601", "140306", "1403", "14", "99999999"])
def test_no_forum_outside_ones_commune_or_above_a_commune(police, places, code):
    assert police.get(reverse("forums:new", args=[code])).status_code == 404
    assert police.post(reverse("forums:new", args=[code]), forum_form()).status_code == 404
    assert not Forum.objects.exists()


def test_a_neighbouring_commune_sees_nothing(client, places, sokha, dara):
    forum = Forum.objects.create(
        place=places["14030501"],
        held_on=datetime.date(2026, 1, 15),
        organiser="x",
        women=1,
        men=1,
        youth=0,
        recorded_by=sokha,
    )
    client.force_login(dara)
    assert client.get(reverse("forums:detail", args=[forum.pk])).status_code == 404
    assert client.get(reverse("forums:place", args=["140305"])).status_code == 404
    assert client.get(reverse("forums:place", args=["KH"])).status_code == 404
    mine = client.get(reverse("forums:place", args=["140306"]))
    assert mine.status_code == 200 and "14030501" not in mine.content.decode()


def test_the_district_sees_its_communes_and_records_nothing(client, places, sokha, vannak):
    client.force_login(vannak)
    page = client.get(reverse("forums:place", args=["1403"]), {"quarter": "2026Q1"})
    assert page.status_code == 200
    assert "140305" in page.content.decode() and "140306" in page.content.decode()
    assert client.get(reverse("forums:new", args=["14030501"])).status_code == 404
    assert client.get(reverse("forums:index")).url == reverse("forums:place", args=["1403"])


def test_an_issue_gets_an_owner_or_a_record_and_is_reviewed_at_the_next_forum(police, places):
    police.post(reverse("forums:new", args=["14030501"]), forum_form())
    first = Forum.objects.get()
    url = reverse("forums:detail", args=[first.pk])

    refused = police.post(url, {"raised": "The road lights are broken", "action": "", "owner": "", "reference": ""})
    assert refused.status_code == 400
    assert "Name who owns the action" in refused.content.decode()
    unknown = police.post(url, {"raised": "Theft at the market", "owner": "", "reference": "14-1403-2026-999999"})
    assert "No record you may see has this reference." in unknown.content.decode()

    police.post(url, {"raised": "The road lights are broken", "action": "Ask the commune", "owner": "Commune clerk"})
    issue = ForumIssue.objects.get()

    police.post(reverse("forums:new", args=["14030501"]), forum_form(held_on_month="4"))
    second = Forum.objects.exclude(pk=first.pk).get()
    page = police.get(reverse("forums:detail", args=[second.pk]))
    assert "The road lights are broken" in page.content.decode()
    police.post(
        reverse("forums:review", args=[second.pk, issue.pk]),
        {f"r{issue.pk}-status": "done", f"r{issue.pk}-progress": "Lights repaired in March"},
    )
    issue.refresh_from_db()
    assert issue.status == "done"
    assert IssueReview.objects.get().forum == second
    assert AuditEvent.objects.filter(action__in=["forum.issue", "forum.review"]).count() == 2
    # An issue cannot be reviewed at its own forum, nor at an earlier one.
    assert (
        police.post(
            reverse("forums:review", args=[first.pk, issue.pk]),
            {f"r{issue.pk}-status": "open", f"r{issue.pk}-progress": "x"},
        ).status_code
        == 404
    )


def test_a_role_without_the_forums_sees_none_of_their_pages(client, places, make_user):
    provider = make_user("provider", "service_provider", places["1403"])  # places, but no forums
    client.force_login(provider)
    assert client.get(reverse("forums:place", args=["1403"])).status_code == 404
    assert client.get(reverse("forums:index")).status_code == 404
