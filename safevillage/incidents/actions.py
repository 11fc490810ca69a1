"""The actions of the register: the only code that creates a record or changes its state.

Every action runs in one transaction: it locks the record's row, checks that the user holds
a permission allowing it at the record's place (``accounts.scoping.can``), that the version
the user saw is still the current one (optimistic locking: of two officers saving the same
version one wins and the other is told, nothing is overwritten), and that the workflow
(``workflow.TRANSITIONS``) allows it from the current status; then it changes the row, bumps
``version`` and appends the audit event — all or nothing. Views and the API call these and
never assign ``status`` themselves.

Audit events never carry a person's name, a phone number or free text that may contain them
(auditors read events without holding ``incidents.identities``): they record which fields
changed and the codes chosen.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.models import User
from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event, record_standalone
from safevillage.core.periods import local_date
from safevillage.incidents import receipts
from safevillage.incidents.closing import check_closure

# Callers catch every refusal as ``actions.ActionError`` (the refusals are in ``errors``, which
# ``closing`` shares).
from safevillage.incidents.errors import ActionError as ActionError
from safevillage.incidents.errors import (
    Conflict,
    DuplicateSubmission,
    InvalidInput,
    NotAllowed,
    NotPermitted,
    UnknownReceipt,
    checked_text,
)
from safevillage.incidents.intake import MAX_DESCRIPTION, IntakeData, submission_hash
from safevillage.incidents.models import (
    AppliedAction,
    Channel,
    Incident,
    InvolvedPerson,
    Note,
    SeizedItem,
    Status,
)
from safevillage.incidents.references import next_reference
from safevillage.incidents.workflow import INVESTIGATE, RECORD, TRANSITIONS, may
from safevillage.reports.locks import record_is_locked
from safevillage.reports.summary import SummaryRow, apply_change, figures_differ, summary_row

MAX_REASON = 2_000


# --- the common frame of every action --------------------------------------------------


def _pk(incident: Incident | int) -> int:
    return incident if isinstance(incident, int) else incident.pk


def _begin(action: str, incident: Incident | int, by: Any, version: int) -> Incident:
    """Lock the record and check permission, version and transition, in that order."""
    locked = Incident.objects.select_for_update().select_related("category").get(pk=_pk(incident))
    if not may(by, action, locked):
        raise NotPermitted(_("You may not do this on this record."))
    _check_version(locked, version)
    _check_transition(action, locked)
    _note_figures(locked)
    return locked


# What the record counted for before the action, kept on the locked instance until _finish.
_BEFORE = "_sv_summary_before"


def _note_figures(locked: Incident) -> None:
    setattr(locked, _BEFORE, (summary_row(locked), record_is_locked(locked)))


def _figures_change(incident: Incident) -> tuple[SummaryRow | None, SummaryRow | None]:
    """What the action changes in the summaries (before, after). An action that would change
    what the record counts for in an approved period is refused: approval locks the figures
    of the place and period until the level above un-approves (reports.approval)."""
    before: SummaryRow | None
    before, was_locked = getattr(incident, _BEFORE)
    after = summary_row(incident)
    if figures_differ(before, after) and (was_locked or record_is_locked(incident)):
        raise NotPermitted(
            _(
                "The report covering this record's place and month is approved, so its figures are locked. "
                "Ask the level above to un-approve it first."
            )
        )
    return before, after


def _check_version(incident: Incident, version: int) -> None:
    if incident.version != version:
        raise Conflict(
            _(
                "Someone else changed this record while you were working on it. Nothing was saved: "
                "read the record again and redo your change if it is still needed."
            )
        )


def _check_transition(action: str, incident: Incident) -> None:
    if incident.status not in TRANSITIONS[action].sources:
        raise NotAllowed(
            _("A record that is “%(status)s” cannot be %(action)s.")
            % {"status": incident.get_status_display(), "action": TRANSITIONS[action].label}
        )


def _finish(
    action: str,
    incident: Incident,
    by: Any,
    fields: list[str],
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> Incident:
    before, after = _figures_change(incident)
    incident.version += 1
    incident.save(update_fields=[*fields, "version", "updated_at"])
    record_event(
        f"incident.{action}",
        actor=by,
        target=incident,
        old=old,
        new={**(new or {}), "version": incident.version},
        reason=reason,
        place_code=incident.place_code,
    )
    # Locks are always taken in the same order — record, audit head, summary rows — so that
    # concurrent actions cannot deadlock on PostgreSQL.
    apply_change(before, after)
    return incident


# --- intake -------------------------------------------------------------------------------


@transaction.atomic
def create_incident(
    data: IntakeData,
    *,
    by: User | None,
    client_uuid: uuid.UUID | None = None,
    digest: str = "",
    receipt_digest: str | None = None,
) -> Incident:
    """Enter a record in the register (every channel). The reference is taken from the
    district's counter and the three deadlines are set from the category: acknowledge,
    first action and close within the category's days of the report."""
    if by is not None and not can(by, RECORD, data.village.code):
        raise NotPermitted(_("You may not record incidents in this village."))
    if by is None and data.channel != Channel.PUBLIC_WEB:
        raise NotPermitted(_("Only public complaints are made without an account."))
    reported_at = timezone.now()
    category = data.category
    local = timezone.localtime(data.occurred_at)
    incident = Incident.objects.create(
        reference=next_reference(data.village.code, reported_at),
        channel=data.channel,
        category=category,
        village=data.village,
        place_code=data.village.code,
        occurred_at=data.occurred_at,
        period_month=local.year * 100 + local.month,
        reported_at=reported_at,
        description=data.description,
        latitude=data.latitude,
        longitude=data.longitude,
        created_by=by,
        acknowledge_due_at=reported_at + datetime.timedelta(days=category.acknowledge_days),
        action_due_at=reported_at + datetime.timedelta(days=category.first_action_days),
        close_due_at=reported_at + datetime.timedelta(days=category.close_days),
        client_uuid=client_uuid,
        submission_hash=digest,
        receipt_hash=receipt_digest,
        complainant_name=data.complainant_name,
        complainant_phone=data.complainant_phone,
        deaths=data.deaths,
        injuries=data.injuries,
    )
    if data.tags:
        incident.tags.set(data.tags)
    InvolvedPerson.objects.bulk_create(
        InvolvedPerson(incident=incident, role=p.role, sex=p.sex, age_group=p.age_group, name=p.name)
        for p in data.people
    )
    SeizedItem.objects.bulk_create(
        SeizedItem(
            incident=incident,
            kind=i.kind,
            drug_type=i.drug_type,
            quantity=i.quantity,
            unit=i.unit,
            description=i.description,
        )
        for i in data.items
    )
    record_event(
        "incident.create",
        actor=by,
        target=incident,
        new={
            "reference": incident.reference,
            "channel": incident.channel,
            "category": category.code,
            "village": incident.place_code,
            "occurred_at": incident.occurred_at,
            "status": incident.status,
            "tags": sorted(tag.code for tag in data.tags),
            "people": [p.role for p in data.people],
            "items": [i.kind for i in data.items],
            "named_complainant": bool(data.complainant_name or data.complainant_phone),
            "deaths": incident.deaths,
            "injuries": incident.injuries,
            "version": incident.version,
        },
        place_code=incident.place_code,
    )
    # A late report of an offence in an approved period is still entered: the approved
    # snapshot keeps the figures as approved, and the live report shows the difference.
    apply_change(None, summary_row(incident))
    return incident


def create_from_device(data: IntakeData, *, by: User, client_uuid: uuid.UUID) -> tuple[Incident, bool]:
    """Enter a record sent by a field device, at most once per (user, device UUID).

    The device may resend a submission whose answer it never received: the same content under
    the same UUID returns the record already made (``created`` False); other content under a
    used UUID is refused (DuplicateSubmission). Two copies arriving at the same time race on
    the database's unique constraint; the loser's transaction rolls back and it reads the
    winner's record in a fresh transaction. Another user's UUIDs are never looked at."""
    digest = submission_hash(data)
    existing = _device_record(by, client_uuid, digest)
    if existing is not None:
        return existing, False
    try:
        return create_incident(data, by=by, client_uuid=client_uuid, digest=digest), True
    except IntegrityError:
        with transaction.atomic():
            existing = _device_record(by, client_uuid, digest)
        if existing is None:
            raise
        return existing, False


def _device_record(by: User, client_uuid: uuid.UUID, digest: str) -> Incident | None:
    existing = Incident.objects.filter(created_by=by, client_uuid=client_uuid).first()
    if existing is not None and existing.submission_hash != digest:
        raise DuplicateSubmission(
            _("This device identifier (uuid) was already used for a different record: send a new uuid."), "uuid"
        )
    return existing


def file_complaint(data: IntakeData) -> tuple[Incident, str]:
    """Enter a public complaint (no account) and return it with its receipt code. The code
    is returned once and never stored: only its hash is."""
    if data.channel != Channel.PUBLIC_WEB:
        raise InvalidInput(_("A public complaint comes through the public website."), "channel")
    for _attempt in range(3):  # 80 random bits: a collision is practically impossible, but cheap to handle
        code = receipts.new_receipt()
        try:
            return create_incident(data, by=None, receipt_digest=receipts.receipt_hash(code)), code
        except IntegrityError:
            continue
    raise RuntimeError("could not draw an unused receipt code")


# --- the case workflow ----------------------------------------------------------------------


def act_once(
    action: str,
    incident: Incident,
    *,
    by: User,
    version: int,
    inputs: Mapping[str, Any],
    request_id: str,
    run: Callable[[], object],
) -> bool:
    """Take a workflow action through the API at most once: a device resending an action whose
    answer it lost gets the answer again, not a 409.

    The same request is the same action by the same person on the same record, based on the
    same version with the same input (``inputs``, without the version), under the same request
    id (``Idempotency-Key``) or none. Sent again, it changes nothing and writes no audit event;
    the caller answers as the first time (True: replayed). A request id already used for
    another request is refused (409), and so is other input based on a version that is no longer
    the record's (the optimistic lock's 409, as before). ``run`` is the action itself; it and the
    row that remembers it are one transaction."""
    digest = _request_digest(action, incident.pk, version, inputs)
    if request_id:
        earlier = AppliedAction.objects.filter(actor=by, request_id=request_id).first()
        if earlier is not None:
            if earlier.digest != digest:
                raise DuplicateSubmission(
                    _("This request id (Idempotency-Key) was already used for another request: send a new one."),
                    "Idempotency-Key",
                )
            return True
    try:
        with transaction.atomic():
            run()
            AppliedAction.objects.create(
                incident_id=incident.pk,
                base_version=version,
                action=action,
                actor=by,
                request_id=request_id,
                digest=digest,
            )
    except Conflict:
        earlier = AppliedAction.objects.filter(incident_id=incident.pk, base_version=version).first()
        if earlier is None or (earlier.actor_id, earlier.digest, earlier.request_id) != (by.pk, digest, request_id):
            raise
    except IntegrityError:
        # Two copies under one request id, each based on a different version: the loser reads
        # what the winner did, in a fresh transaction.
        with transaction.atomic():
            earlier = AppliedAction.objects.filter(actor=by, request_id=request_id).first()
        if earlier is None or earlier.digest != digest:
            raise Conflict(_("This request id (Idempotency-Key) was already used for another request.")) from None
    else:
        return False
    return True


def _request_digest(action: str, incident_pk: int, version: int, inputs: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        [action, incident_pk, version, dict(inputs)], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def acknowledge(incident: Incident | int, *, by: User, version: int) -> Incident:
    """The commune police confirm they have the report (the first deadline)."""
    locked = _begin("acknowledge", incident, by, version)
    old_status = locked.status
    locked.status = Status.ACKNOWLEDGED
    locked.acknowledged_at = timezone.now()
    return _finish(
        "acknowledge",
        locked,
        by,
        ["status", "acknowledged_at"],
        old={"status": old_status},
        new={"status": locked.status},
    )


@transaction.atomic
def start_investigation(incident: Incident | int, *, by: User, version: int) -> Incident:
    """The commune police start investigating: a first action (the second deadline). Starting
    an investigation also acknowledges a record not yet acknowledged."""
    locked = _begin("start_investigation", incident, by, version)
    old_status = locked.status
    now = timezone.now()
    locked.status = Status.INVESTIGATING
    locked.acknowledged_at = locked.acknowledged_at or now
    locked.first_action_at = locked.first_action_at or now
    return _finish(
        "start_investigation",
        locked,
        by,
        ["status", "acknowledged_at", "first_action_at"],
        old={"status": old_status},
        new={"status": locked.status},
    )


@transaction.atomic
def close(
    incident: Incident | int,
    *,
    by: User,
    version: int,
    outcome: str,
    clearance: str = "",
    exceptional_reason: str = "",
    note: str = "",
    arrests: int = 0,
    deaths: int | None = None,
    injuries: int | None = None,
    closed_on: datetime.date | None = None,
    referred_to: str = "",
    response_at: datetime.datetime | None = None,
) -> Incident:
    """Close a record with its outcome, among those its category's kind allows
    (``closing.outcomes_for``: a crime is solved, a complaint resolved or not, a disaster or
    epidemic also says when the response arrived):

    - solved (crimes only): cleared by arrest (at least one person arrested) or by exceptional
      means, with the NIBRS reason A to E;
    - resolved or not resolved (complaints, disasters, epidemics);
    - mediated out of court: only in categories that allow mediation — never trafficking,
      homicide or drug dealing — by the commune police or the commune council;
    - referred (passed to a service): which one (``referred_to``; for a crime the note may say
      it instead); transferred (to the court or another unit): say to whom;
    - unfounded: say why.
    Every outcome but mediation is for the commune police.

    Casualties are often known only later (a victim dies in hospital): ``deaths`` and
    ``injuries``, when given, replace the numbers recorded at intake (None keeps them). A death
    after closure is recorded by reopening the record and closing it again.

    A record is closed now, unless ``closed_on`` gives the (local) date it was really closed:
    history entered after the fact (see ``closing._closing_moment``); the inputs are checked by
    ``closing.check_closure``."""
    locked = _begin("close", incident, by, version)
    now = timezone.now()
    closure = check_closure(
        locked,
        by,
        outcome=outcome,
        clearance=clearance,
        exceptional_reason=exceptional_reason,
        note=note,
        arrests=arrests,
        deaths=deaths,
        injuries=injuries,
        closed_on=closed_on,
        referred_to=referred_to,
        response_at=response_at,
        now=now,
    )
    old = {"status": locked.status, "outcome": locked.outcome, "deaths": locked.deaths, "injuries": locked.injuries}
    locked.status = Status.CLOSED
    locked.outcome = closure.outcome
    locked.clearance = closure.clearance
    locked.exceptional_reason = closure.exceptional_reason
    locked.outcome_note = closure.note
    locked.referred_to = closure.referred_to
    if closure.response_at is not None:
        locked.response_at = closure.response_at
    locked.arrests = closure.arrests
    locked.deaths, locked.injuries = closure.deaths, closure.injuries
    locked.closed_at = closure.closed_at
    locked.closed_after_the_fact = closure.after_the_fact
    # A step never recorded happened by the closure at the latest.
    locked.acknowledged_at = locked.acknowledged_at or closure.closed_at
    locked.first_action_at = locked.first_action_at or closure.closed_at
    history = {"closed_on": closed_on, "entered_on": local_date(now)} if closure.after_the_fact else {}
    return _finish(
        "close",
        locked,
        by,
        [
            "status",
            "outcome",
            "clearance",
            "exceptional_reason",
            "outcome_note",
            "referred_to",
            "response_at",
            "arrests",
            "deaths",
            "injuries",
            "closed_at",
            "closed_after_the_fact",
            "acknowledged_at",
            "first_action_at",
        ],
        old=old,
        new={
            "status": locked.status,
            "outcome": closure.outcome,
            "clearance": closure.clearance,
            "exceptional_reason": closure.exceptional_reason,
            "arrests": closure.arrests,
            "outcome_note": bool(closure.note),
            "referred_to": bool(closure.referred_to),
            "response_at": locked.response_at.isoformat() if locked.response_at else None,
            "deaths": closure.deaths,
            "injuries": closure.injuries,
            "after_the_fact": closure.after_the_fact,
            **history,
        },
    )


def _clear_outcome(incident: Incident) -> dict[str, Any]:
    """Take a closed record back to review: the old outcome stays in the audit trail."""
    old = {"status": incident.status, "outcome": incident.outcome, "clearance": incident.clearance}
    incident.status = Status.UNDER_REVIEW
    incident.outcome = incident.clearance = incident.exceptional_reason = ""
    incident.outcome_note = incident.referred_to = ""
    incident.closed_at = None
    incident.closed_after_the_fact = False
    incident.reopened_count += 1
    return old


_REOPEN_FIELDS = [
    "status",
    "outcome",
    "clearance",
    "exceptional_reason",
    "outcome_note",
    "referred_to",
    "closed_at",
    "closed_after_the_fact",
    "reopened_count",
]


@transaction.atomic
def reopen(incident: Incident | int, *, by: User, version: int, reason: str) -> Incident:
    """A supervisor (district, province, national) reopens a closed record for review, giving
    the reason. The deadlines stay as they were: a reopened record past them shows as overdue."""
    locked = _begin("reopen", incident, by, version)
    reason = checked_text(
        reason, "reason", max_length=MAX_REASON, required=True, message=_("Say why the record is reopened.")
    )
    old = _clear_outcome(locked)
    return _finish(
        "reopen",
        locked,
        by,
        _REOPEN_FIELDS,
        old=old,
        new={"status": locked.status, "reopened_count": locked.reopened_count},
        reason=reason,
    )


@transaction.atomic
def assign(incident: Incident | int, *, by: User, version: int, assignee: User) -> Incident:
    """Give an open record to an officer who records or investigates incidents at its place
    (by the commune police among themselves, or by a supervisor)."""
    locked = _begin("assign", incident, by, version)
    if not assignee.is_active or not (
        can(assignee, INVESTIGATE, locked.place_code) or can(assignee, RECORD, locked.place_code)
    ):
        raise InvalidInput(_("This person does not record or investigate incidents at this place."), "assignee")
    if locked.assigned_to_id == assignee.pk:
        raise InvalidInput(_("The record is already assigned to this person."), "assignee")
    old = {"assigned_to": locked.assigned_to_id}
    locked.assigned_to = assignee
    return _finish("assign", locked, by, ["assigned_to"], old=old, new={"assigned_to": assignee.pk})


@transaction.atomic
def add_note(incident: Incident | int, *, by: User, version: int, text: str, public: bool = False) -> Note:
    """Add a note; a public note is shown to the complainant with the receipt. A note by the
    commune police counts as the first action on the record."""
    locked = _begin("add_note", incident, by, version)
    text = checked_text(text, "text", max_length=MAX_DESCRIPTION, required=True, message=_("Write the note."))
    note = Note.objects.create(incident=locked, author=by, text=text, public=bool(public))
    fields = []
    if locked.first_action_at is None and can(by, INVESTIGATE, locked.place_code):
        locked.first_action_at = note.created_at
        fields.append("first_action_at")
    _finish("add_note", locked, by, fields, new={"note": note.pk, "public": note.public})
    return note


@transaction.atomic
def withdraw(incident: Incident | int, *, by: User, version: int, reason: str) -> Incident:
    """Withdraw an open record entered in error or twice. Nothing is deleted: the record stays,
    marked withdrawn with the reason, and no longer counts in figures."""
    locked = _begin("withdraw", incident, by, version)
    reason = checked_text(
        reason, "reason", max_length=MAX_REASON, required=True, message=_("Say why the record is withdrawn.")
    )
    old = {"status": locked.status}
    locked.status = Status.WITHDRAWN
    locked.withdrawn_reason = reason
    return _finish(
        "withdraw",
        locked,
        by,
        ["status", "withdrawn_reason"],
        old=old,
        new={"status": locked.status},
        reason=reason,
    )


@transaction.atomic
def complainant_feedback(receipt: str, *, resolved: bool, comment: str = "") -> Incident:
    """The complainant says, with the receipt code, whether the closed complaint was resolved
    — once per closure. "Not resolved" takes it back to review (as a reopening). A comment is
    kept as an internal note. The audit event has no actor: it is labelled "complainant"."""
    digest = receipts.receipt_hash(receipt)
    locked = Incident.objects.select_for_update().filter(receipt_hash=digest).first() if digest else None
    if locked is None:
        raise UnknownReceipt(_("No complaint has this receipt code. Check the code and try again."), "receipt")
    _check_transition("complainant_feedback", locked)
    _note_figures(locked)
    if locked.complainant_feedback_at and locked.closed_at and locked.complainant_feedback_at >= locked.closed_at:
        raise NotAllowed(_("You have already answered for this closure of the complaint."))
    comment = checked_text(comment, "comment", max_length=MAX_REASON)
    old: dict[str, Any] = {"status": locked.status}
    locked.complainant_satisfied = bool(resolved)
    locked.complainant_feedback_at = timezone.now()
    fields = ["complainant_satisfied", "complainant_feedback_at"]
    if not resolved:
        old = _clear_outcome(locked)
        fields += _REOPEN_FIELDS
    note = Note.objects.create(incident=locked, author=None, text=comment, public=False) if comment else None
    return _finish(
        "complainant_feedback",
        locked,
        None,
        fields,
        old=old,
        new={"by": "complainant", "resolved": bool(resolved), "status": locked.status, "note": note and note.pk},
    )


def record_identity_view(incident: Incident, *, by: User, people: list[int], complainant: bool = False) -> None:
    """Each time the names of people involved (or the complainant's name and phone) are
    shown, who saw them is audited: one event per page or API answer showing them."""
    record_standalone(
        "incident.view_identity",
        actor=by,
        target=incident,
        new={"people": sorted(people), "complainant": complainant},
        place_code=incident.place_code,
    )
