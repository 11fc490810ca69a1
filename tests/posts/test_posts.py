"""The post's duty roster, means and budget, and the figures they make."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.posts import indicators
from safevillage.posts.models import BudgetLine, DutyShift, Equipment


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=timezone.get_current_timezone())


def test_a_night_shift_runs_into_the_next_day_and_says_who_was_on_duty(client, sokha, places):
    client.force_login(sokha)
    form = {
        "officer": str(sokha.pk),
        "day_day": "9",
        "day_month": "3",
        "day_year": "2026",
        "starts": "18:00",
        "ends": "06:00",
    }
    response = client.post(reverse("posts:shift", args=["140305"]), form)
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.starts_at, shift.ends_at) == (moment("2026-03-09T18:00"), moment("2026-03-10T06:00"))
    assert indicators.on_duty("140305", moment("2026-03-10T02:30")) == [sokha.pk]
    assert indicators.on_duty("140305", moment("2026-03-10T06:00")) == []
    assert AuditEvent.objects.filter(action="post.shift").count() == 1
    page = client.get(reverse("posts:place", args=["140305"]), {"week": "2026-03-11"})
    assert "Sokha" in page.content.decode() or sokha.username in page.content.decode()


def test_only_the_posts_own_officers_go_on_its_roster(client, sokha, dara, places):
    client.force_login(sokha)
    form = {
        "officer": str(dara.pk),
        "day_day": "9",
        "day_month": "3",
        "day_year": "2026",
        "starts": "8:00",
        "ends": "17:00",
    }
    assert client.post(reverse("posts:shift", args=["140305"]), form).status_code == 400
    client.force_login(dara)
    assert client.post(reverse("posts:shift", args=["140305"]), form).status_code == 404
    assert not DutyShift.objects.exists()


def test_post_boxes_and_their_state_make_the_villages_figure(client, sokha, places):
    client.force_login(sokha)
    box = {
        "kind": "post_box",
        "place": "14030501",
        "label": "",
        "state": "working",
        "checked_on_day": "1",
        "checked_on_month": "3",
        "checked_on_year": "2026",
    }
    assert client.post(reverse("posts:equipment", args=["140305"]), box).status_code == 302
    figures = indicators.figures("140305", 2026)
    assert (figures.villages_with_box, figures.villages, figures.box_percent) == (1, 2, 50.0)
    item = Equipment.objects.get()
    broken = box | {"item": str(item.pk), "state": "broken", "checked_on_day": "2"}
    assert client.post(reverse("posts:equipment", args=["140305"]), broken).status_code == 302
    assert indicators.figures("140305", 2026).villages_with_box == 0
    assert Equipment.objects.count() == 1
    assert list(AuditEvent.objects.filter(action="post.equipment").values_list("new__state", flat=True)) == [
        "working",
        "broken",
    ]
    outside = box | {"place": "14030601"}
    assert client.post(reverse("posts:equipment", args=["140305"]), outside).status_code == 400


def test_officers_per_1000_and_budget_spent(client, sokha, dara, vannak, places):
    client.force_login(vannak)
    line = {"year": "2026", "heading": "Fuel", "planned": "4000000", "spent": "1000000"}
    assert client.post(reverse("posts:budget", args=["1403"]), line).status_code == 302
    assert client.post(reverse("posts:budget", args=["1403"]), line | {"spent": "3000000"}).status_code == 302
    assert BudgetLine.objects.get().spent == Decimal(3000000)
    figures = indicators.figures("1403", 2026)
    # Sokha and Dara; the district's communes hold 11,200 + 14,900 residents.
    assert figures.officers == 2
    assert figures.officers_per_1000 == round(2000 / 26100, 2)
    assert figures.spent_percent == 75.0
    assert indicators.figures("14", 2026).officers_per_1000 == round(2000 / 1057720, 2)
    # A district officer keeps no commune's roster.
    form = {
        "officer": str(sokha.pk),
        "day_day": "9",
        "day_month": "3",
        "day_year": "2026",
        "starts": "8:00",
        "ends": "17:00",
    }
    assert client.post(reverse("posts:shift", args=["140305"]), form).status_code == 404
    assert client.get(reverse("posts:place", args=["1403"])).status_code == 200
    assert client.get(reverse("posts:place", args=["1404"])).status_code == 404


def test_the_figures_of_each_child_are_read_at_once_and_agree_with_each_childs_own(client, sokha, dara, vannak, places):
    client.force_login(vannak)
    line = {"year": "2026", "heading": "Fuel", "planned": "4000000", "spent": "1000000"}
    assert client.post(reverse("posts:budget", args=["1403"]), line).status_code == 302
    for area in ("", "14", "1403"):
        children = indicators.by_child(area, 2026)
        assert children, area
        assert children == {code: indicators.figures(code, 2026) for code in children}
