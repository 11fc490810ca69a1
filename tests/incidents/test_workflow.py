"""The case workflow, action by action, with the personas of the Kampong Trabaek district.

Every action checks permission at the record's place, the version the user saw and the
transition; each success writes exactly one audit event and the chain stays intact; each
refusal writes nothing."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone, translation

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents import actions
from safevillage.incidents.models import Incident, Note, Status
from safevillage.incidents.workflow import TRANSITIONS, available_actions
from tests.factories import closed, make_complaint, make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sophea(places, make_user):
    """A second commune police officer of Kansoam Ak."""
    return make_user("sophea", Role.COMMUNE_POLICE, places["140305"], full_name="Sophea Lim")


@pytest.fixture
def council(places, make_user):
    """A member of the Kansoam Ak commune council."""
    return make_user("bopha", Role.COMMUNE_COUNCIL, places["140305"], full_name="Bopha Nhem")


@pytest.fixture
def chief(places, make_user):
    """The village chief of Kansoam Ak village."""
    return make_user("vuthy", Role.VILLAGE_CHIEF, places["14030501"], full_name="Vuthy Ouk")


@pytest.fixture
def record(policy, sokha):
    return make_incident(sokha)


@contextmanager
def one_event(action: str, incident: Incident) -> Iterator[None]:
    """The block writes exactly one audit event, about this record, and the chain holds."""
    before = AuditEvent.objects.count()
    yield
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(e.action, e.target_id, e.place_code) for e in events] == [(action, str(incident.pk), incident.place_code)]
    assert verify_chain().intact


@contextmanager
def nothing_written(incident: Incident) -> Iterator[None]:
    before = (AuditEvent.objects.count(), Incident.objects.get(pk=incident.pk).version, Note.objects.count())
    yield
    after = (AuditEvent.objects.count(), Incident.objects.get(pk=incident.pk).version, Note.objects.count())
    assert after == before


# --- intake -----------------------------------------------------------------------------


def test_a_record_gets_a_district_year_reference_and_the_categorys_deadlines(policy, sokha):
    first = make_incident(sokha, category="trafficking")
    second = make_incident(sokha, village="14030502")
    year = timezone.localtime(first.reported_at).year
    assert first.reference == f"14-1403-{year}-000001"
    assert second.reference == f"14-1403-{year}-000002"
    assert first.acknowledge_due_at - first.reported_at == datetime.timedelta(days=1)
    assert first.action_due_at - first.reported_at == datetime.timedelta(days=2)
    assert first.close_due_at - first.reported_at == datetime.timedelta(days=90)
    local = timezone.localtime(first.occurred_at)
    assert first.period_month == local.year * 100 + local.month
    assert (first.status, first.version, first.place_code, first.created_by) == (Status.RECEIVED, 1, "14030501", sokha)


def test_each_district_counts_its_own_references(policy, places, sokha, make_user):
    officer = make_user("kosal", Role.COMMUNE_POLICE, places["140401"])
    make_incident(sokha)
    other = make_incident(officer, village="14040101")
    assert re.fullmatch(r"14-1404-\d{4}-000001", other.reference)


def test_creating_a_record_is_audited_without_names(policy, sokha):
    from safevillage.incidents.intake import PersonData

    before = AuditEvent.objects.count()
    incident = make_incident(sokha, people=[PersonData(role="victim", sex="female", name="Srey Mom")])
    event = AuditEvent.objects.get(seq=before + 1)
    assert (event.action, event.actor, event.place_code) == ("incident.create", sokha, "14030501")
    assert event.new["reference"] == incident.reference
    assert event.new["people"] == ["victim"]
    assert "Srey Mom" not in str(event.new)
    assert verify_chain().intact


def test_an_officer_cannot_record_in_the_neighbouring_commune(policy, dara):
    with pytest.raises(actions.NotPermitted):
        make_incident(dara, village="14030501")
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.filter(action="incident.create").count() == 0


# --- acknowledge, investigate -----------------------------------------------------------


def test_commune_police_acknowledge_a_received_record(record, sokha):
    with one_event("incident.acknowledge", record):
        updated = actions.acknowledge(record, by=sokha, version=1)
    assert (updated.status, updated.version) == (Status.ACKNOWLEDGED, 2)
    assert updated.acknowledged_at is not None and updated.first_action_at is None


def test_starting_an_investigation_is_the_first_action(record, sokha):
    with one_event("incident.start_investigation", record):
        updated = actions.start_investigation(record, by=sokha, version=1)
    assert updated.status == Status.INVESTIGATING
    assert updated.first_action_at is not None and updated.acknowledged_at is not None


def test_a_stale_version_is_a_conflict_and_writes_nothing(record, sokha):
    actions.acknowledge(record, by=sokha, version=1)
    with nothing_written(record), pytest.raises(actions.Conflict, match="Someone else changed this record"):
        actions.start_investigation(record, by=sokha, version=1)


def test_two_officers_saving_the_same_version_one_wins_the_other_is_told(record, sokha, sophea):
    actions.start_investigation(record, by=sokha, version=1)
    with nothing_written(record), pytest.raises(actions.Conflict):
        actions.close(record, by=sophea, version=1, outcome="unfounded", note="Nothing happened.")
    assert Incident.objects.get(pk=record.pk).status == Status.INVESTIGATING


def test_a_transition_not_allowed_from_the_current_status_is_refused(record, sokha, vannak):
    actions.start_investigation(record, by=sokha, version=1)
    with nothing_written(record), pytest.raises(actions.NotAllowed, match="“Under investigation” cannot be ack"):
        actions.acknowledge(record, by=sokha, version=2)
    with nothing_written(record), pytest.raises(actions.NotAllowed):
        actions.reopen(record, by=vannak, version=2, reason="Check again.")


def test_a_district_officer_supervises_but_does_not_investigate(record, vannak):
    with nothing_written(record), pytest.raises(actions.NotPermitted):
        actions.acknowledge(record, by=vannak, version=1)


def test_the_neighbouring_officer_can_do_nothing_on_the_record(record, dara):
    for attempt in (
        lambda: actions.acknowledge(record, by=dara, version=1),
        lambda: actions.add_note(record, by=dara, version=1, text="Seen."),
        lambda: actions.withdraw(record, by=dara, version=1, reason="Mine now."),
    ):
        with nothing_written(record), pytest.raises(actions.NotPermitted):
            attempt()


# --- close ----------------------------------------------------------------------------------


def test_solved_by_arrest_needs_at_least_one_arrest(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="at least one person arrested"):
        actions.close(record, by=sokha, version=1, outcome="solved", clearance="arrest", arrests=0)
    with one_event("incident.close", record):
        done = actions.close(record, by=sokha, version=1, outcome="solved", clearance="arrest", arrests=2)
    assert (done.status, done.outcome, done.clearance, done.arrests) == ("closed", "solved", "arrest", 2)
    assert done.closed_at and done.first_action_at and done.acknowledged_at


def test_solved_needs_a_clearance_and_exceptional_clearance_a_reason(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="how the case was cleared"):
        actions.close(record, by=sokha, version=1, outcome="solved")
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="A to E"):
        actions.close(record, by=sokha, version=1, outcome="solved", clearance="exceptional", exceptional_reason="F")
    done = actions.close(record, by=sokha, version=1, outcome="solved", clearance="exceptional", exceptional_reason="D")
    assert (done.clearance, done.exceptional_reason) == ("exceptional", "D")


def test_only_a_solved_case_has_a_clearance(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="Only a solved case"):
        actions.close(record, by=sokha, version=1, outcome="unfounded", clearance="arrest", note="No theft.")


@pytest.mark.parametrize("category", ["trafficking", "homicide", "drug_dealing"])
def test_serious_crimes_cannot_be_mediated(policy, sokha, category):
    incident = make_incident(sokha, category=category)
    with nothing_written(incident), pytest.raises(actions.InvalidInput, match="cannot be mediated out of court"):
        actions.close(incident, by=sokha, version=1, outcome="mediated")


def test_the_commune_council_closes_a_civil_dispute_by_mediation_only(policy, sokha, council):
    dispute = make_incident(council, category="civil_dispute")
    assert available_actions(council, dispute) == ["close", "add_note"]
    with nothing_written(dispute), pytest.raises(actions.NotPermitted, match="Only the commune police"):
        actions.close(dispute, by=council, version=1, outcome="unfounded", note="No dispute.")
    with nothing_written(dispute), pytest.raises(actions.NotPermitted):
        actions.acknowledge(dispute, by=council, version=1)
    with one_event("incident.close", dispute):
        done = actions.close(dispute, by=council, version=1, outcome="mediated", note="Agreement signed.")
    assert done.outcome == "mediated"


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("referred", "to which service"),
        ("transferred", "to which court or unit"),
        ("unfounded", "why the report is unfounded"),
    ],
)
def test_referral_transfer_and_unfounded_say_to_whom_or_why(record, sokha, outcome, message):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match=message):
        actions.close(record, by=sokha, version=1, outcome=outcome, note="   ")
    done = actions.close(record, by=sokha, version=1, outcome=outcome, note="Provincial court")
    assert done.outcome_note == "Provincial court"


def test_an_unknown_outcome_is_refused(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="outcome from the list"):
        actions.close(record, by=sokha, version=1, outcome="forgotten")


# --- reopen, assign, notes, withdraw ----------------------------------------------------------


def test_a_supervisor_reopens_a_closed_record_with_a_reason(record, sokha, vannak):
    done = closed(record, sokha)
    with nothing_written(done), pytest.raises(actions.InvalidInput, match="why the record is reopened"):
        actions.reopen(done, by=vannak, version=done.version, reason="")
    with nothing_written(done), pytest.raises(actions.NotPermitted):
        actions.reopen(done, by=sokha, version=done.version, reason="I changed my mind.")
    with one_event("incident.reopen", done):
        again = actions.reopen(done, by=vannak, version=done.version, reason="The suspect was released the same day.")
    assert (again.status, again.reopened_count, again.outcome, again.clearance) == ("under_review", 1, "", "")
    assert again.closed_at is None
    event = AuditEvent.objects.filter(action="incident.reopen").get()
    assert event.reason == "The suspect was released the same day."
    assert event.old["outcome"] == "solved"
    # Back under review, it may be investigated or closed again.
    assert "start_investigation" in available_actions(sokha, again)


def test_assigning_to_an_officer_of_the_place(record, sokha, sophea, chief, dara, vannak):
    with one_event("incident.assign", record):
        updated = actions.assign(record, by=sokha, version=1, assignee=sophea)
    assert updated.assigned_to == sophea
    # A village chief records incidents in the village: may be given the record.
    updated = actions.assign(updated, by=vannak, version=2, assignee=chief)
    assert updated.assigned_to == chief
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="does not record or investigate"):
        actions.assign(record, by=sokha, version=3, assignee=dara)
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="does not record or investigate"):
        actions.assign(record, by=sokha, version=3, assignee=vannak)


def test_a_note_by_the_commune_police_is_the_first_action_but_not_a_village_chiefs(policy, sokha, chief):
    incident = make_incident(chief)
    with one_event("incident.add_note", incident):
        actions.add_note(incident, by=chief, version=1, text="The family came back to the post.")
    assert Incident.objects.get(pk=incident.pk).first_action_at is None
    note = actions.add_note(incident, by=sokha, version=2, text="Visited the market.", public=True)
    assert note.public and note.author == sokha
    assert Incident.objects.get(pk=incident.pk).first_action_at == note.created_at


def test_an_empty_note_is_refused(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="Write the note"):
        actions.add_note(record, by=sokha, version=1, text=" ")


def test_withdrawing_needs_a_reason_and_deletes_nothing(record, sokha):
    with nothing_written(record), pytest.raises(actions.InvalidInput, match="why the record is withdrawn"):
        actions.withdraw(record, by=sokha, version=1, reason="")
    with one_event("incident.withdraw", record):
        gone = actions.withdraw(record, by=sokha, version=1, reason="Entered twice (see the other record).")
    assert Incident.objects.filter(pk=record.pk).exists()
    assert (gone.status, gone.withdrawn_reason) == ("withdrawn", "Entered twice (see the other record).")
    assert Incident.objects.counted().filter(pk=record.pk).count() == 0
    with nothing_written(record), pytest.raises(actions.NotAllowed):
        actions.add_note(gone, by=sokha, version=gone.version, text="Too late.")


def test_a_closed_record_cannot_be_withdrawn(record, sokha):
    done = closed(record, sokha)
    with nothing_written(done), pytest.raises(actions.NotAllowed, match="cannot be withdrawn"):
        actions.withdraw(done, by=sokha, version=done.version, reason="Oops.")


# --- the complainant's answer --------------------------------------------------------------


def test_the_complainant_answers_only_after_closure(policy, places, sokha):
    complaint, receipt = make_complaint()
    with nothing_written(complaint), pytest.raises(actions.NotAllowed):
        actions.complainant_feedback(receipt, resolved=True)
    done = closed(complaint, sokha)
    with one_event("incident.complainant_feedback", done):
        answered = actions.complainant_feedback(receipt.lower(), resolved=True)
    assert answered.complainant_satisfied is True and answered.status == Status.CLOSED
    with nothing_written(done), pytest.raises(actions.NotAllowed, match="already answered"):
        actions.complainant_feedback(receipt, resolved=False)


def test_not_resolved_takes_the_complaint_back_to_review_audited_as_the_complainant(policy, places, sokha):
    complaint, receipt = make_complaint()
    done = closed(complaint, sokha)
    answered = actions.complainant_feedback(receipt, resolved=False, comment="The bike was never returned.")
    assert (answered.status, answered.reopened_count, answered.complainant_satisfied) == ("under_review", 1, False)
    event = AuditEvent.objects.filter(action="incident.complainant_feedback").get()
    assert event.actor is None
    assert event.new["by"] == "complainant" and event.new["resolved"] is False
    note = Note.objects.get(incident=done)
    assert (note.author, note.public, note.text) == (None, False, "The bike was never returned.")
    # Closed again, the complainant may answer again.
    again = actions.close(answered, by=sokha, version=answered.version, outcome="transferred", note="Court")
    assert actions.complainant_feedback(receipt, resolved=True).complainant_satisfied is True
    assert again.reopened_count == 1


def test_an_unknown_receipt_is_refused(policy, places):
    make_complaint()
    before = AuditEvent.objects.count()
    for code in ("0000-0000-0000-0000", "not a code", ""):
        with pytest.raises(actions.UnknownReceipt):
            actions.complainant_feedback(code, resolved=False)
    assert AuditEvent.objects.count() == before


def test_the_transition_table_names_every_action():
    assert set(TRANSITIONS) == {
        "acknowledge",
        "start_investigation",
        "close",
        "reopen",
        "assign",
        "add_note",
        "withdraw",
        "complainant_feedback",
    }
