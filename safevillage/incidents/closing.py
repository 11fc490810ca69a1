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

``actions.close`` enforces these rules; the close forms (``action_forms``) and the API read them
so that each kind is asked only what applies to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.incidents.models import Clearance, ExceptionalReason, Outcome
from safevillage.policy.models import ClosureKind

if TYPE_CHECKING:
    from safevillage.incidents.models import Incident
    from safevillage.policy.models import Category

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
