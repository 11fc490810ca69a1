"""Marking a pilot and reading its evaluation through the pages: who may, who sees what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.pilots.models import Pilot

pytestmark = pytest.mark.django_db


def pilot_form(**overrides):
    data = {
        "name": "Community policing forums",
        "description": "Monthly forums with the commune post.",
        "starts_on_day": "1",
        "starts_on_month": "1",
        "starts_on_year": "2025",
        "places": "140305, 140306",
    }
    return data | overrides


def test_the_province_marks_a_pilot_in_its_province_only(client, chenda, places):
    client.force_login(chenda)
    response = client.post(reverse("pilots:new"), pilot_form())
    assert response.status_code == 302
    pilot = Pilot.objects.get()
    assert sorted(pilot.places.values_list("place_code", flat=True)) == ["140305", "140306"]
    assert pilot.scope_code == "14" and pilot.created_by == chenda
    event = AuditEvent.objects.get(action="pilots.create")
    assert event.new == {"starts_on": "2025-01-01", "places": ["140305", "140306"]}
    assert event.place_code == "14"
    elsewhere = client.post(reverse("pilots:new"), pilot_form(places="080101"))
    assert elsewhere.status_code == 400
    assert "No place under you has the code 080101." in elsewhere.content.decode()
    mixed = client.post(reverse("pilots:new"), pilot_form(places="1403 140401"))
    assert "A pilot&#x27;s places are all communes or all districts." in mixed.content.decode()
    village = client.post(reverse("pilots:new"), pilot_form(places="14030501"))
    assert "14030501 is not a commune or a district." in village.content.decode()
    assert Pilot.objects.count() == 1


def test_the_national_secretariat_marks_pilots_in_two_provinces(client, national, places):
    client.force_login(national)
    response = client.post(reverse("pilots:new"), pilot_form(places="140305 080101"))
    assert response.status_code == 302
    assert Pilot.objects.get().scope_code == ""


def test_below_the_province_there_are_no_pilot_pages(client, vannak, sokha, places):
    for user in (vannak, sokha):
        client.force_login(user)
        assert client.get(reverse("pilots:index")).status_code == 404
        assert client.get(reverse("pilots:new")).status_code == 404


def test_the_evaluation_page_lists_the_comparison_places_and_links_to_the_register(client, chenda, district, mark):
    codes = district(20260101)
    pilot = mark(codes[:2])
    client.force_login(chenda)
    index = client.get(reverse("pilots:index")).content.decode()
    assert reverse("pilots:detail", args=[pilot.pk]) in index
    response = client.get(reverse("pilots:detail", args=[pilot.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Offences per 1,000 residents a year" in page
    assert "95 % confidence interval" in page
    assert "Caveats" in page and "Spillovers" in page
    assert f"/incidents/?place={codes[0]}&amp;period=2023Q1&amp;crime=true&amp;status=counted" in page
    assert "Trends before the start" in page
    comparisons = [code for code in codes[2:] if code in page]
    assert len(comparisons) >= 2


def test_the_evaluation_page_reads_in_khmer(client, chenda, district, mark, khmer_default):
    pilot = mark(district(1)[:1])
    client.force_login(chenda)
    page = client.get(reverse("pilots:detail", args=[pilot.pk])).content.decode()
    assert "ការប្រុងប្រយ័ត្ន" in page  # Caveats


def test_a_pilot_outside_the_reader_s_province_is_the_same_404_as_none(
    client, chenda, make_user, places, district, mark
):
    pilot = mark(district(2)[:1])
    kandal = make_user("kandal", Role.PROVINCIAL_SECRETARIAT, places["08"])
    auditor = make_user("auditor", Role.AUDITOR, places["140305"])
    district_officer = make_user("district", Role.DISTRICT_OFFICER, places["1403"])
    for user in (kandal, auditor, district_officer):
        client.force_login(user)
        assert client.get(reverse("pilots:detail", args=[pilot.pk])).status_code == 404
        assert client.get(reverse("pilots:detail", args=[pilot.pk + 1000])).status_code == 404
        assert client.get("/pilots/99999999999999999999999999/").status_code == 404
    client.force_login(kandal)
    assert reverse("pilots:detail", args=[pilot.pk]) not in client.get(reverse("pilots:index")).content.decode()
    client.force_login(make_user("provincial_auditor", Role.AUDITOR, places["14"]))
    assert client.get(reverse("pilots:detail", args=[pilot.pk])).status_code == 200


def test_too_early_says_so(client, chenda, places, mark):
    import datetime

    from django.utils import timezone

    pilot = mark(["140305"], starts_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(chenda)
    page = client.get(reverse("pilots:detail", args=[pilot.pk])).content.decode()
    assert "No quarter since the start has ended yet" in page or "no figures for the quarters before" in page


def test_the_menu_shows_pilots_to_the_province_only(client, chenda, vannak):
    client.force_login(chenda)
    assert f'href="{reverse("pilots:index")}"' in client.get(reverse("home")).content.decode()
    client.force_login(vannak)
    assert f'href="{reverse("pilots:index")}"' not in client.get(reverse("home")).content.decode()
