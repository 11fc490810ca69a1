"""What closing a record asks, by the kind of its category (``policy.ClosureKind``).

- A crime is solved — by arrest or by exceptional means, the NIBRS clearance with its reason A
  to E — or transferred to a court or another unit, referred to a service, mediated where the
  category allows it, or found unfounded. Only a crime is "solved": the crime figures and the
  clearance rate count crimes only.
- A complaint about a public service, hygiene or a civil matter is resolved (by the officers, or
  by an agreement between the parties where mediation is allowed), not resolved, or passed to
  the responsible service, which is named.
- A disaster or an epidemic is resolved, not resolved or passed to a service, and says when the
  response arrived (the 2021 policy's point 7 asks for a timely response).

``check_closure`` enforces these rules for ``actions.close``; the close forms (``action_forms``)
and the API read them so that each kind is asked only what applies to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.accounts.scoping import can
from safevillage.core.periods import Period, local_date, local_day_start
from safevillage.incidents.errors import InvalidInput, NotPermitted, checked_casualties, checked_text
from safevillage.incidents.intake import MAX_DESCRIPTION
from safevillage.incidents.models import Clearance, ExceptionalReason, Outcome
from safevillage.incidents.workflow import ENTER_HISTORY, INVESTIGATE
from safevillage.policy.models import ClosureKind
from safevillage.reports.locks import locked_months

if TYPE_CHECKING:
    from safevillage.accounts.models import User
    from safevillage.incidents.models import Incident
    from safevillage.policy.models import Category

MAX_ARRESTS = 1_000
# Outcomes that must say more: to whom a case was referred or transferred, why it is unfounded.
# (A referral names its service in ``referred_to`` or, as before, in the note.)
OUTCOMES_NEEDING_NOTE = (Outcome.TRANSFERRED, Outcome.UNFOUNDED)
REFERRED_TO_MAX = 200

OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    ClosureKind.CRIME: (Outcome.SOLVED, Outcome.TRANSFERRED, Outcome.REFERRED, Outcome.MEDIATED, Outcome.UNFOUNDED),
    ClosureKind.COMPLAINT: (Outcome.RESOLVED, Outcome.MEDIATED, Outcome.UNRESOLVED, Outcome.REFERRED),
    ClosureKind.EMERGENCY: (Outcome.RESOLVED, Outcome.UNRESOLVED, Outcome.REFERRED),
}


# Drug use or possession, and sex work: under the Police Community Partnership Initiative
# (``004_…``) the person can be referred to the Rapid Response Team instead of being
# arrested. The record then says only "referred": the service, and what it did, are kept in
# the referrals' own database (``safevillage/referrals``), never in the register.
RAPID_RESPONSE_CATEGORIES = frozenset({"drug_use", "sexual_exploitation"})


def refers_to_rapid_response(category: Category) -> bool:
    return category.code in RAPID_RESPONSE_CATEGORIES


def outcomes_for(category: Category) -> tuple[str, ...]:
    """The outcomes a record of ``category`` may be closed with, mediation only where allowed."""
    outcomes = OUTCOMES_BY_KIND.get(category.closure_kind, OUTCOMES_BY_KIND[ClosureKind.COMPLAINT])
    return tuple(o for o in outcomes if o != Outcome.MEDIATED or category.mediation_allowed)


def records_casualties(category: Category) -> bool:
    """Whether closing asks again for the people killed and injured: crimes, disasters and
    epidemics, and traffic accidents (whose deaths and injuries the report counts)."""
    return category.closure_kind != ClosureKind.COMPLAINT or category.code == "traffic_accident"


# The reasons for an exceptional clearance in plain words; the NIBRS code (A to E) is what is
# stored and counted.
PLAIN_EXCEPTIONAL_REASONS = {
    ExceptionalReason.A.value: gettext_lazy("The suspect died"),
    ExceptionalReason.B.value: gettext_lazy("The prosecutor declined to prosecute"),
    ExceptionalReason.C.value: gettext_lazy("The suspect is held elsewhere, or extradition was refused"),
    ExceptionalReason.D.value: gettext_lazy("The victim will not cooperate"),
    ExceptionalReason.E.value: gettext_lazy("The suspect is a child, dealt with without custody"),
}


def closure_words(incident: Incident) -> str:
    """How a closed record ended, in plain words ("" while it is open)."""
    if not incident.outcome:
        return ""
    if incident.outcome == Outcome.SOLVED and incident.clearance == Clearance.ARREST:
        return _("Solved by arrest")
    if incident.outcome == Outcome.SOLVED and incident.clearance == Clearance.EXCEPTIONAL:
        reason = PLAIN_EXCEPTIONAL_REASONS.get(incident.exceptional_reason, "")
        return _("Solved by exceptional means: %(reason)s") % {"reason": reason} if reason else ""
    if incident.outcome == Outcome.REFERRED and refers_to_rapid_response(incident.category):
        return _("Referred")
    if incident.outcome == Outcome.REFERRED and incident.referred_to:
        return _("Passed to %(service)s") % {"service": incident.referred_to}
    return str(incident.get_outcome_display())


# --- the check of a closure ---------------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    """A closure's inputs once checked: what ``actions.close`` writes on the record."""

    outcome: str
    clearance: str
    exceptional_reason: str
    note: str
    referred_to: str
    response_at: datetime.datetime | None
    arrests: int
    deaths: int
    injuries: int
    closed_at: datetime.datetime
    after_the_fact: bool


def check_closure(
    incident: Incident,
    by: User,
    *,
    outcome: str,
    clearance: str,
    exceptional_reason: str,
    note: str,
    arrests: int,
    deaths: int | None,
    injuries: int | None,
    closed_on: datetime.date | None,
    referred_to: str,
    response_at: datetime.datetime | None,
    now: datetime.datetime,
) -> Closure:
    """The closure of ``incident`` by ``by`` as asked (``actions.close`` says what each input
    means), or the first refusal (``InvalidInput``, ``NotPermitted``)."""
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose an outcome from the list."), "outcome")
    kind = incident.category.closure_kind
    if outcome == Outcome.MEDIATED:
        if not incident.category.mediation_allowed:
            raise InvalidInput(
                _("A case of “%(category)s” cannot be mediated out of court.") % {"category": incident.category.name},
                "outcome",
            )
    elif not can(by, INVESTIGATE, incident.place_code):
        raise NotPermitted(_("Only the commune police may close a record with this outcome."))
    _check_outcome_fits_kind(incident, outcome)
    if outcome == Outcome.SOLVED:
        if clearance not in Clearance.values:
            raise InvalidInput(_("Say how the case was cleared: by arrest or by exceptional means."), "clearance")
        if clearance == Clearance.EXCEPTIONAL and exceptional_reason not in ExceptionalReason.values:
            raise InvalidInput(_("Choose the reason for the exceptional clearance (A to E)."), "exceptional_reason")
        if clearance == Clearance.ARREST and arrests < 1:
            raise InvalidInput(_("A case cleared by arrest has at least one person arrested."), "arrests")
        if clearance == Clearance.ARREST and exceptional_reason:
            raise InvalidInput(_("Only an exceptional clearance has a reason A to E."), "exceptional_reason")
    elif clearance or exceptional_reason:
        raise InvalidInput(_("Only a solved case has a clearance."), "clearance")
    referred_to = checked_text(referred_to, "referred_to", max_length=REFERRED_TO_MAX)
    if referred_to and outcome != Outcome.REFERRED:
        raise InvalidInput(_("Name a service only for a record passed to a service."), "referred_to")
    # A crime's referral may name the service in its note, as it always could; any other
    # kind names it in referred_to, as its form asks. A referral to the Rapid Response Team
    # (drug use, sex work) names nothing: the register keeps only "referred".
    rapid_response = outcome == Outcome.REFERRED and refers_to_rapid_response(incident.category)
    if rapid_response and (referred_to or (note or "").strip()):
        raise InvalidInput(
            _(
                "A referral to the Rapid Response Team names no service and has no details: "
                "the record says only “referred”."
            ),
            "note",
        )
    if (
        outcome == Outcome.REFERRED
        and not rapid_response
        and not referred_to
        and (kind != ClosureKind.CRIME or not (note or "").strip())
    ):
        raise InvalidInput(
            _("Say to which service the case was referred."), "note" if kind == ClosureKind.CRIME else "referred_to"
        )
    response_at = _response_moment(incident, response_at, now)
    if not isinstance(arrests, int) or isinstance(arrests, bool) or not 0 <= arrests <= MAX_ARRESTS:
        raise InvalidInput(_("Enter the number of people arrested (0 to %(max)d).") % {"max": MAX_ARRESTS}, "arrests")
    deaths = incident.deaths if deaths is None else checked_casualties(deaths, "deaths")
    injuries = incident.injuries if injuries is None else checked_casualties(injuries, "injuries")
    messages: dict[str, str] = {
        Outcome.TRANSFERRED: _("Say to which court or unit the case was transferred."),
        Outcome.UNFOUNDED: _("Say why the report is unfounded."),
    }
    note = checked_text(
        note,
        "note",
        max_length=MAX_DESCRIPTION,
        required=outcome in OUTCOMES_NEEDING_NOTE,
        message=messages.get(outcome, ""),
    )
    closed_at, after_the_fact = _closing_moment(incident, by, closed_on, now)
    return Closure(
        outcome=outcome,
        clearance=clearance if outcome == Outcome.SOLVED else "",
        exceptional_reason=exceptional_reason
        if outcome == Outcome.SOLVED and clearance == Clearance.EXCEPTIONAL
        else "",
        note=note,
        referred_to=referred_to,
        response_at=response_at,
        arrests=arrests,
        deaths=deaths,
        injuries=injuries,
        closed_at=closed_at,
        after_the_fact=after_the_fact,
    )


def _check_outcome_fits_kind(incident: Incident, outcome: str) -> None:
    """Refuse an outcome the category's kind does not take (``closing.outcomes_for``);
    mediation where it is not allowed keeps its own message, checked by the caller."""
    if outcome == Outcome.MEDIATED or outcome in OUTCOMES_BY_KIND[incident.category.closure_kind]:
        return
    if outcome == Outcome.SOLVED:
        message = _(
            "Only a crime is solved by arrest or by exceptional means. Choose resolved, not resolved "
            "or passed to the responsible service."
        )
    elif incident.category.closure_kind == ClosureKind.CRIME:
        message = _("A crime is closed as solved, transferred, referred, mediated or unfounded.")
    else:
        message = _("A record of “%(category)s” cannot be closed as “%(outcome)s”.") % {
            "category": incident.category.name,
            "outcome": Outcome(outcome).label,
        }
    raise InvalidInput(message, "outcome")


def _response_moment(
    incident: Incident, response_at: datetime.datetime | None, now: datetime.datetime
) -> datetime.datetime | None:
    """When the response to a disaster or epidemic arrived: required for those, refused for
    other records; not before the incident, not in the future."""
    if incident.category.closure_kind != ClosureKind.EMERGENCY:
        if response_at is not None:
            raise InvalidInput(_("Only a disaster or an epidemic records when the response arrived."), "response_at")
        return None
    if response_at is None:
        raise InvalidInput(_("Say when the response arrived."), "response_at")
    if not isinstance(response_at, datetime.datetime) or timezone.is_naive(response_at):
        raise InvalidInput(_("Enter the date and time the response arrived."), "response_at")
    if response_at > now:
        raise InvalidInput(_("The response cannot have arrived in the future."), "response_at")
    if response_at < incident.occurred_at:
        raise InvalidInput(_("The response cannot have arrived before the incident happened."), "response_at")
    return response_at


def past_closure_refused() -> str:
    """The refusal of a past closure date to a user not allowed to enter history (page and API)."""
    return _("You may not date a closure in the past: only officers entering history after the fact may.")


def _closing_moment(
    incident: Incident, by: User, closed_on: datetime.date | None, now: datetime.datetime
) -> tuple[datetime.datetime, bool]:
    """When a closure is dated, and whether it is entered after the fact.

    Without a date, or with today's date (in Asia/Phnom_Penh), the record is closed now. A past
    date is history moved into the register, such as the paper case books of earlier years:
    the figures count the closure in the month it really happened. It is allowed
    - only to users holding ``incidents.enter_history`` at the record's place;
    - not before the (local) date of the incident, and never in the future;
    - not in a month whose report covering the place is approved: its figures are locked.
    The time of day is not known: the closure is placed at the start of that day, or at the
    time of the incident when it happened that same day, so that it never precedes it."""
    if closed_on is None:
        return now, False
    if isinstance(closed_on, datetime.datetime) or not isinstance(closed_on, datetime.date):
        raise InvalidInput(_("Enter the date the record was closed."), "closed_on")
    today = local_date(now)
    if closed_on > today:
        raise InvalidInput(_("A closure cannot be dated in the future."), "closed_on")
    if closed_on == today:
        return now, False
    if not can(by, ENTER_HISTORY, incident.place_code):
        raise NotPermitted(past_closure_refused(), "closed_on")
    occurred_on = local_date(incident.occurred_at)
    if closed_on < occurred_on:
        raise InvalidInput(
            _("A closure cannot be dated before the incident, which happened on %(date)s.")
            % {"date": occurred_on.isoformat()},
            "closed_on",
        )
    month = closed_on.year * 100 + closed_on.month
    if locked_months(incident.place_code, [month]):
        raise NotPermitted(
            _(
                "The report covering this place for %(month)s is approved, so its figures are locked: "
                "a closure cannot be dated in that month. Ask the level above to un-approve it first."
            )
            % {"month": Period.from_month(month).label},
            "closed_on",
        )
    return max(local_day_start(closed_on), incident.occurred_at), True
