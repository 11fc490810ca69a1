"""The case workflow as data: which action may be taken from which status, what status it
leads to, and which permissions allow it. ``actions`` enforces this table; pages and the API
read it to offer only the actions a user may take.

    received ──acknowledge──▶ acknowledged ──start_investigation──▶ investigating
        │                          │                                    │
        └──────────────── close ───┴────────────────────────────────────┴──▶ closed
    closed ──reopen (supervisor) / complainant says "not resolved"──▶ under_review
    under_review ──start_investigation / close──▶ …
    any open status ──withdraw (entered in error; nothing is deleted)──▶ withdrawn
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import PERMISSIONS
from safevillage.accounts.scoping import can
from safevillage.incidents.models import OPEN_STATUSES, Incident, Status

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

INVESTIGATE = "incidents.investigate"
MEDIATE = "incidents.mediate"
RECORD = "incidents.record"
SUPERVISE = "incidents.supervise"
IDENTITIES = "incidents.identities"
# Dating a closure in the past (actions.close): see accounts.roles for who holds it.
ENTER_HISTORY = "incidents.enter_history"

_OPEN = frozenset(OPEN_STATUSES)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    # None: the action leaves the status as it is.
    target: str | None
    # Any one of these, held at the record's place, allows the action.
    permissions: tuple[str, ...]
    # "… cannot be <label>": used in the message refusing the transition.
    label: Promise


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition(frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED, (INVESTIGATE,), _("acknowledged")),
    "start_investigation": Transition(
        frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.UNDER_REVIEW}),
        Status.INVESTIGATING,
        (INVESTIGATE,),
        _("put under investigation"),
    ),
    # The commune council may close only by mediation (checked with the outcome).
    "close": Transition(_OPEN, Status.CLOSED, (INVESTIGATE, MEDIATE), _("closed")),
    "reopen": Transition(frozenset({Status.CLOSED}), Status.UNDER_REVIEW, (SUPERVISE,), _("reopened")),
    "assign": Transition(_OPEN, None, (INVESTIGATE, SUPERVISE), _("assigned")),
    "add_note": Transition(_OPEN | {Status.CLOSED}, None, (RECORD, INVESTIGATE, MEDIATE, SUPERVISE), _("annotated")),
    "withdraw": Transition(_OPEN, Status.WITHDRAWN, (INVESTIGATE, SUPERVISE), _("withdrawn")),
    # The complainant, identified by the receipt code: no permission, no account.
    "complainant_feedback": Transition(frozenset({Status.CLOSED}), None, (), _("answered")),
}


def may(user: AnyUser, action: str, incident: Incident) -> bool:
    """Whether ``user`` holds a permission allowing ``action`` at the record's place."""
    return any(can(user, permission, incident.place_code) for permission in TRANSITIONS[action].permissions)


def available_actions(user: AnyUser, incident: Incident) -> list[str]:
    """The staff actions ``user`` may take on ``incident`` in its current status."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if transition.permissions and incident.status in transition.sources and may(user, action, incident)
    ]


def assignable_officers(incident: Incident) -> QuerySet[User]:
    """Active users who record or investigate incidents at the record's place: those a record
    may be assigned to (``actions.assign`` checks each one again with ``can``)."""
    roles = [role for role, granted in PERMISSIONS.items() if INVESTIGATE in granted or RECORD in granted]
    codes = [incident.place_code[:n] for n in range(2, len(incident.place_code) + 1, 2)]
    holding = RoleAssignment.objects.active().filter(role__in=roles).filter(Q(place__code__in=codes) | Q(place=None))
    return User.objects.filter(is_active=True, pk__in=holding.values("user_id")).order_by("full_name", "username")
