"""The register as an officer works it from a phone: "needs my action" and "assigned to me",
and acknowledging or assigning several records at once with a result for each record."""

from __future__ import annotations

import re

import pytest

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.incidents.models import Incident, Status
from tests.incidents.factories_register import NOW, incident, on_time, overdue

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    tables = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    return sorted(re.findall(r">(\d{2}-\d{4}-\d{4}-\d{6})<", "".join(tables)))


def listing(client, user, query: str = ""):
    client.force_login(user)
    return client.get("/incidents/" + query)


def refs(*records: Incident) -> list[str]:
    return sorted(record.reference for record in records)


# --- needs my action ------------------------------------------------------------------------


@pytest.fixture
def kansoam(places):
    """Sokha's commune (140305): one record in each situation, and one in the neighbour's."""
    return {
        "received": on_time(places["14030501"]),
        "acknowledged": on_time(places["14030502"], status=Status.ACKNOWLEDGED, acknowledged_at=NOW),
        "reopened": on_time(places["14030501"], status=Status.UNDER_REVIEW, acknowledged_at=NOW, first_action_at=NOW),
        # No first action within the category's 7 days.
        "late": overdue(places["14030501"], days_late=10, status=Status.ACKNOWLEDGED, acknowledged_at=NOW),
        "closed": incident(places["14030501"], status=Status.CLOSED),
        "to_district": on_time(
            places["14030502"],
            status=Status.ACKNOWLEDGED,
            acknowledged_at=NOW,
            escalated_to_level=2,
            escalated_at=NOW,
        ),
        "to_province": on_time(
            places["14030502"],
            status=Status.ACKNOWLEDGED,
            acknowledged_at=NOW,
            escalated_to_level=1,
            escalated_at=NOW,
        ),
        "neighbour": on_time(places["14030601"]),
        "neighbour_to_district": on_time(
            places["14030601"],
            status=Status.ACKNOWLEDGED,
            acknowledged_at=NOW,
            escalated_to_level=2,
            escalated_at=NOW,
        ),
    }


def test_commune_police_needs_to_act_on_new_reopened_and_overdue_records_of_the_commune(client, sokha, kansoam):
    shown = references(listing(client, sokha, "?needs_action=1"))
    assert shown == refs(kansoam["received"], kansoam["reopened"], kansoam["late"])


def test_district_officer_needs_to_act_on_what_was_escalated_to_the_district(client, vannak, kansoam):
    shown = references(listing(client, vannak, "?needs_action=1"))
    assert shown == refs(kansoam["to_district"], kansoam["neighbour_to_district"])


def test_province_needs_to_act_on_what_was_escalated_to_the_province(client, chenda, kansoam):
    assert references(listing(client, chenda, "?needs_action=1")) == refs(kansoam["to_province"])


def test_national_secretariat_needs_to_act_on_what_reached_the_national_level(client, national, places, kansoam):
    top = on_time(places["08010101"], status=Status.ACKNOWLEDGED, acknowledged_at=NOW, escalated_to_level=0)
    assert references(listing(client, national, "?needs_action=1")) == refs(top)


def test_village_chief_acts_on_no_record(client, make_user, places, kansoam):
    chief = make_user("chief", Role.VILLAGE_CHIEF, places["14030501"])
    assert references(listing(client, chief)) != []
    assert references(listing(client, chief, "?needs_action=1")) == []


def test_neighbouring_commune_never_needs_sokhas_action(client, dara, kansoam):
    shown = references(listing(client, dara, "?needs_action=1"))
    assert shown == refs(kansoam["neighbour"])


def test_assigned_to_me_lists_my_records_and_never_a_neighbours(client, sokha, dara, make_user, places):
    kosal = make_user("kosal", Role.COMMUNE_POLICE, places["140305"])
    mine = on_time(places["14030501"], assigned_to=sokha)
    closed_mine = incident(places["14030502"], status=Status.CLOSED, assigned_to=sokha)
    on_time(places["14030501"], assigned_to=kosal)
    on_time(places["14030501"])
    # A record of the neighbouring commune assigned to Sokha by mistake stays out of his sight.
    on_time(places["14030601"], assigned_to=sokha)
    assert references(listing(client, sokha, "?assigned=me")) == refs(mine, closed_mine)
    assert references(listing(client, dara, "?assigned=me")) == []


def test_personal_filters_refuse_other_values_in_the_readers_language(client, sokha, places, settings):
    on_time(places["14030501"])
    response = listing(client, sokha, "?assigned=someone&needs_action=maybe")
    assert response.status_code == 400
    assert references(response) == []
    assert "Use assigned=me." in response.content.decode()
    client.cookies["django_language"] = "km"
    response = client.get("/incidents/?assigned=someone", HTTP_ACCEPT_LANGUAGE="km")
    assert "សូមប្រើ assigned=me។" in response.content.decode()


def test_personal_filters_are_kept_in_the_links_and_the_export(client, sokha, places):
    on_time(places["14030501"], assigned_to=sokha)
    page = listing(client, sokha, "?needs_action=1&assigned=me").content.decode()
    # The export asks for the page's records: its form carries the same filters.
    assert 'action="/exports/?assigned=me&amp;needs_action=1' in page
    # Each shortcut turns itself off and keeps the other.
    assert 'class="chip" href="?assigned=me" aria-current="true"' in page


def test_api_list_reads_the_personal_filters(client, sokha, places):
    mine = on_time(places["14030501"], assigned_to=sokha)
    on_time(places["14030501"])
    client.force_login(sokha)
    answer = client.get("/api/v1/incidents/?assigned=me").json()
    assert [row["reference"] for row in answer["results"]] == [mine.reference]


# --- bulk actions ---------------------------------------------------------------------------


def post_bulk(client, user, action: str, records: list[Incident | int], **extra):
    client.force_login(user)
    data: dict[str, object] = {"action": action, "ids": [], "back": "?status=received", **extra}
    for record in records:
        if isinstance(record, int):
            data["ids"].append(str(record))  # type: ignore[union-attr]
        else:
            data["ids"].append(f"{record.pk}:{record.version}")  # type: ignore[union-attr]
    return client.post("/incidents/bulk/", data)


def outcomes(response) -> list[tuple[str, str]]:
    """(reference or #id, 'Done'/'Refused' and the message) for each result line."""
    items = re.findall(r'<li class="(done|refused)">(.*?)</li>', response.content.decode(), re.S)
    return [(kind, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for kind, text in items]


def test_bulk_acknowledge_acts_on_each_record_and_says_what_happened_to_each(client, sokha, dara, make_incident):
    first, second = make_incident(sokha), make_incident(sokha, village="14030502")
    already = make_incident(sokha)
    from tests.factories import closed

    done_before = closed(already, sokha)
    neighbours = make_incident(dara, village="14030601")
    response = post_bulk(client, sokha, "acknowledge", [first, second, done_before, neighbours, 987654])
    assert response.status_code == 200
    results = outcomes(response)
    assert [kind for kind, _text in results] == ["done", "done", "refused", "refused", "refused"]
    assert "Acknowledged." in results[0][1]
    assert "cannot be acknowledged" in results[2][1]
    # Outside the commune or missing: the same words, and no reference given away.
    assert results[3][1] == f"#{neighbours.pk} Refused: No such record in your area."
    assert results[4][1] == "#987654 Refused: No such record in your area."
    assert "2 done, 3 refused." in response.content.decode()
    for record in (first, second):
        record.refresh_from_db()
        assert record.status == Status.ACKNOWLEDGED
        # Each through its own action: its own audit event.
        assert AuditEvent.objects.filter(action="incident.acknowledge", target_id=str(record.pk)).count() == 1
    neighbours.refresh_from_db()
    assert neighbours.status == Status.RECEIVED
    assert not AuditEvent.objects.filter(action="incident.acknowledge", target_id=str(neighbours.pk)).exists()
    assert 'href="/incidents/?status=received"' in response.content.decode()


def test_bulk_acknowledge_refuses_a_record_changed_since_the_page_was_read(client, sokha, make_incident):
    record = make_incident(sokha)
    seen = Incident.objects.get(pk=record.pk)
    from safevillage.incidents import actions

    actions.add_note(record, by=sokha, version=record.version, text="Called the complainant.")
    response = post_bulk(client, sokha, "acknowledge", [seen])
    [(kind, text)] = outcomes(response)
    assert kind == "refused" and "Someone else changed this record" in text
    record.refresh_from_db()
    assert record.status == Status.RECEIVED


def test_bulk_assign_gives_each_record_to_the_officer_and_refuses_the_neighbours(
    client, sokha, dara, make_user, places, make_incident
):
    kosal = make_user("kosal", Role.COMMUNE_POLICE, places["140305"], full_name="Kosal Pich")
    ours = [make_incident(sokha), make_incident(sokha, village="14030502")]
    neighbours = make_incident(dara, village="14030601")
    response = post_bulk(client, sokha, "assign", [*ours, neighbours], assignee=str(kosal.pk))
    assert [kind for kind, _text in outcomes(response)] == ["done", "done", "refused"]
    assert "Assigned to Kosal Pich." in outcomes(response)[0][1]
    assert list(Incident.objects.filter(assigned_to=kosal).order_by("pk")) == ours
    assert AuditEvent.objects.filter(action="incident.assign").count() == 2


def test_bulk_assign_to_someone_who_does_not_work_there_is_refused_per_record(client, sokha, dara, make_incident):
    record = make_incident(sokha)
    response = post_bulk(client, sokha, "assign", [record], assignee=str(dara.pk))
    [(kind, text)] = outcomes(response)
    assert kind == "refused" and "does not record or investigate incidents at this place" in text
    record.refresh_from_db()
    assert record.assigned_to is None


def test_register_offers_the_bulk_form_to_those_who_may_act(client, sokha, make_user, places, make_incident):
    make_incident(sokha)
    page = listing(client, sokha).content.decode()
    assert 'action="/incidents/bulk/"' in page
    assert 'name="action" value="acknowledge"' in page
    assert 'name="assignee"' in page  # one commune: its officers are offered
    chief = make_user("chief", Role.VILLAGE_CHIEF, places["14030501"])
    assert 'action="/incidents/bulk/"' not in listing(client, chief).content.decode()


@pytest.mark.parametrize(
    ("who", "action", "message"),
    [
        ("chief", "acknowledge", "You may not do this on records."),
        ("vannak", "acknowledge", "You may not do this on records."),
        ("sokha", "delete", "Choose what to do with the selected records."),
        ("sokha", "assign", "Choose the person to assign the records to."),
    ],
)
def test_bulk_requests_that_cannot_be_taken_change_nothing(
    client, who, action, message, sokha, vannak, make_user, places, make_incident
):
    users = {"sokha": sokha, "vannak": vannak, "chief": make_user("chief", Role.VILLAGE_CHIEF, places["14030501"])}
    record = make_incident(sokha)
    response = post_bulk(client, users[who], action, [record])
    assert response.status_code == 400
    assert message in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.version) == (Status.RECEIVED, 1)


def test_bulk_with_nothing_selected_says_so(client, sokha, places):
    response = post_bulk(client, sokha, "acknowledge", [])
    assert response.status_code == 400
    assert "Select at least one record." in response.content.decode()


# --- the cards ------------------------------------------------------------------------------


def test_each_record_says_its_next_deadline_in_words(client, sokha, places):
    records = {
        "Acknowledge by": on_time(places["14030501"]),
        "First action by": on_time(places["14030501"], status=Status.ACKNOWLEDGED, acknowledged_at=NOW),
        "Close by": on_time(places["14030501"], status=Status.INVESTIGATING, acknowledged_at=NOW, first_action_at=NOW),
        "Overdue: Not acknowledged in time (3 days late)": overdue(places["14030501"]),
        "—": incident(places["14030501"], status=Status.CLOSED),
    }
    page = listing(client, sokha).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", re.search(r"<tbody>.*</tbody>", page, re.S)[0], re.S)
    for words, record in records.items():
        [row] = [row for row in rows if record.reference in row]
        deadline = re.search(r'<td class="deadline">(.*?)</td>', row, re.S)
        assert deadline and words in re.sub(r"<[^>]+>", "", deadline[1]), (words, deadline)
    # Only open records can be ticked for a bulk action.
    assert f'value="{records["—"].pk}:' not in page
    assert f'value="{records["Close by"].pk}:{records["Close by"].version}"' in page
