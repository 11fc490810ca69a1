"""Recording an incident through the staff form: what an officer can choose, what is
refused (400, a message in the summary at the top linked to its field, nothing written)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.models import Channel, Incident, InvolvedPerson, SeizedItem
from tests.factories import nothing_written

pytestmark = pytest.mark.django_db


def when(moment: datetime.datetime | str) -> dict[str, str]:
    """The moment as the officer types it: day, month and year boxes and the time as HH:MM."""
    moment = datetime.datetime.fromisoformat(moment) if isinstance(moment, str) else timezone.localtime(moment)
    return {
        "occurred_at_day": str(moment.day),
        "occurred_at_month": str(moment.month),
        "occurred_at_year": str(moment.year),
        "occurred_at_time": moment.strftime("%H:%M"),
    }


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "category": "theft",
        "village": "14030501",
        **when(timezone.now() - datetime.timedelta(hours=2)),
        "description": "Two goats were taken from the pen behind the school.",
        "channel": Channel.IN_PERSON,
        "latitude": "",
        "longitude": "",
        "complainant_name": "",
        "complainant_phone": "",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-role": "",
        "people-0-sex": "unknown",
        "people-0-age_group": "unknown",
        "people-0-name": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "",
        "items-0-drug_type": "",
        "items-0-quantity": "",
        "items-0-unit": "item",
        "items-0-description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(client, policy, sokha):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(sokha)
    return client


def summary(response) -> list[tuple[str, str]]:
    """(anchor, message) pairs of the error summary at the top of the page."""
    box = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert box, "no error summary on the page"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def refused(client, **overrides: Any) -> list[tuple[str, str]]:
    with nothing_written():
        response = client.post("/incidents/new/", form_data(**overrides))
    assert response.status_code == 400
    return summary(response)


def test_the_form_offers_only_the_officers_villages_grouped_by_commune(officer):
    html = officer.get("/incidents/new/").content.decode()
    assert re.findall(r'<option value="(\d{8})"', html) == ["14030501", "14030502"]
    assert '<optgroup label="កន្សោមអក — Kansoam Ak">' in html
    # Paper tips from the post box keep their channel.
    assert 'value="post_box"' in html
    assert 'value="public_web"' not in html


def test_an_officer_records_an_incident_with_people_and_seized_drugs(officer, sokha):
    response = officer.post(
        "/incidents/new/",
        form_data(
            category="drug_dealing",
            tags=["gang", "weapon"],
            channel=Channel.POST_BOX,
            latitude="11.2000",
            longitude="105.3000",
            **{
                "people-TOTAL_FORMS": "2",
                "people-0-role": "suspect",
                "people-0-sex": "male",
                "people-0-age_group": "youth",
                "people-0-name": "Dara Vong",
                "people-1-role": "witness",
                "people-1-sex": "female",
                "people-1-age_group": "adult",
                "people-1-name": "",
                "items-0-kind": "drug",
                "items-0-drug_type": "methamphetamine",
                "items-0-quantity": "250",
                "items-0-unit": "tablet",
            },
        ),
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.reference}/"
    assert (incident.category.code, incident.channel, incident.created_by) == ("drug_dealing", "post_box", sokha)
    assert sorted(incident.tags.values_list("code", flat=True)) == ["gang", "weapon"]
    assert list(InvolvedPerson.objects.values_list("role", "sex", "age_group", "name")) == [
        ("suspect", "male", "youth", "Dara Vong"),
        ("witness", "female", "adult", ""),
    ]
    item = SeizedItem.objects.get()
    assert (item.kind, item.drug_type, item.quantity, item.unit) == ("drug", "methamphetamine", 250, "tablet")
    assert str(incident.latitude) == "11.200000"
    assert AuditEvent.objects.filter(action="incident.create", target_id=str(incident.pk)).count() == 1
    assert verify_chain().intact


def test_empty_rows_for_people_and_items_are_ignored(officer):
    assert officer.post("/incidents/new/", form_data()).status_code == 302
    assert InvolvedPerson.objects.count() == 0 and SeizedItem.objects.count() == 0


def test_adding_a_row_keeps_what_was_typed_and_saves_nothing(officer):
    with nothing_written():
        response = officer.post("/incidents/new/", form_data(add_person="1", description="Typed so far"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Typed so far" in html
    assert 'name="people-TOTAL_FORMS" value="2"' in html
    assert 'class="error-summary"' not in html


def test_the_time_of_the_incident_is_typed_as_day_month_year_and_24_hour_time(officer, sokha):
    html = officer.get("/incidents/new/").content.decode()
    assert 'type="datetime-local"' not in html
    for part in ("day", "month", "year", "time"):
        assert f'<input type="text" name="occurred_at_{part}"' in html
    assert "<legend>When did it happen?</legend>" in html

    moment = {
        "occurred_at_day": "5",
        "occurred_at_month": "12",
        "occurred_at_year": "2025",
        "occurred_at_time": "21:15",
    }
    assert officer.post("/incidents/new/", form_data(**moment)).status_code == 302
    occurred = timezone.localtime(Incident.objects.get().occurred_at)
    assert (occurred.date(), occurred.strftime("%H:%M")) == (datetime.date(2025, 12, 5), "21:15")


def test_a_time_of_the_incident_in_the_12_hour_clock_or_without_a_month_is_refused(officer):
    moment = when("2025-12-05T21:15")
    assert refused(officer, **(moment | {"occurred_at_time": "9:15 PM"})) == [
        ("id_occurred_at_time", "Enter the time as hours and minutes on the 24-hour clock, such as 14:30.")
    ]
    assert refused(officer, **(moment | {"occurred_at_month": ""})) == [
        ("id_occurred_at_month", "The date must include a month.")
    ]


def test_an_unknown_village_code_is_refused(officer):
    assert refused(officer, village="14039999") == [("id_village", "There is no village with this code in your area.")]


def test_a_village_outside_the_officers_commune_gets_the_same_message(officer):
    assert refused(officer, village="14030601") == [("id_village", "There is no village with this code in your area.")]


def test_a_time_in_the_future_is_refused_but_clock_skew_is_allowed(officer):
    later = when(timezone.now() + datetime.timedelta(hours=1))
    assert refused(officer, **later) == [("id_occurred_at_day", "The time of the incident cannot be in the future.")]
    # A minute ahead (a phone's clock running fast) is accepted.
    skewed = when(timezone.now() + datetime.timedelta(minutes=1))
    assert officer.post("/incidents/new/", form_data(**skewed)).status_code == 302


def test_a_time_before_1979_is_refused(officer):
    assert refused(officer, **when("1978-12-31T23:00")) == [
        ("id_occurred_at_day", "The time of the incident cannot be before 1979.")
    ]


def test_an_empty_description_is_refused(officer):
    assert refused(officer, description="   ") == [("id_description", "Describe what happened.")]


def test_a_description_over_ten_thousand_characters_is_refused(officer):
    assert refused(officer, description="x" * 10_001) == [
        ("id_description", "Write at most 10,000 characters (this text has 10,001).")
    ]


def test_a_five_megabyte_description_is_refused_before_it_is_read(officer):
    with nothing_written():
        response = officer.post("/incidents/new/", form_data(description="x" * 5_000_000))
    assert response.status_code == 413
    assert "What you sent is too large and was not read." in response.content.decode()


def test_negative_and_absurd_quantities_are_refused(officer):
    seized = {"items-0-kind": "drug", "items-0-drug_type": "heroin", "items-0-unit": "kg"}
    assert refused(officer, **seized, **{"items-0-quantity": "-2"}) == [
        ("id_items-0-quantity", "Enter a quantity greater than zero.")
    ]
    assert refused(officer, **seized, **{"items-0-quantity": "5000000"}) == [
        ("id_items-0-quantity", "This quantity is not plausible: at most 100,000 kilograms.")
    ]


def test_a_weapon_is_counted_in_whole_items(officer):
    weapon = {"items-0-kind": "weapon", "items-0-unit": "kg", "items-0-quantity": "1"}
    assert refused(officer, **weapon) == [("id_items-0-unit", "Count weapons, vehicles and other items as items.")]


def test_seized_drugs_need_their_type(officer):
    drugs = {"items-0-kind": "drug", "items-0-unit": "g", "items-0-quantity": "3"}
    assert refused(officer, **drugs) == [("id_items-0-drug_type", "Say which drug was seized.")]


def test_unknown_choices_are_refused(officer):
    errors = refused(
        officer,
        channel="carrier_pigeon",
        category="witchcraft",
        tags=["aliens"],
        **{"people-0-role": "bystander"},
    )
    anchors = {anchor for anchor, _ in errors}
    assert anchors == {"id_channel", "id_category", "id_tags_0", "id_people-0-role"}
    assert ("id_category", "Select a valid choice. witchcraft is not one of the available choices.") in errors


def test_half_a_point_or_a_point_outside_cambodia_is_refused(officer):
    [(_anchor, message)] = refused(officer, latitude="11.5")
    assert message == "Give both the latitude and the longitude, or neither."
    assert refused(officer, latitude="48.85", longitude="105.3") == [
        ("id_latitude", "This latitude is not in Cambodia (about 10 to 15 degrees north).")
    ]


def test_a_district_officer_without_recording_rights_gets_404(client, policy, vannak):
    client.force_login(vannak)
    assert client.get("/incidents/new/").status_code == 404


def test_a_village_chief_records_in_the_village_only(client, policy, places, make_user):
    chief = make_user("vuthy", Role.VILLAGE_CHIEF, places["14030502"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(chief)
    html = client.get("/incidents/new/").content.decode()
    assert re.findall(r'<option value="(\d{8})"', html) == ["14030502"]
    assert refused(client, village="14030501") == [("id_village", "There is no village with this code in your area.")]
    assert client.post("/incidents/new/", form_data(village="14030502")).status_code == 302
