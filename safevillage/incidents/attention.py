"""What waits for a user's action now ("needs my action"), defined once.

A record needs a user's action when the user's role can move it now and the policy says it
must move: the commune police is "the key contact person" that acts on every report
(guideline III.B.2), and supervisors answer for what escalation brought to them. From the
workflow (``workflow.TRANSITIONS``) and the deadlines (``deadlines.overdue_q``):

- **to acknowledge**: received and not yet acknowledged, for those who may acknowledge it;
- **reopened**: back under review (a supervisor reopened it, or the complainant said "not
  resolved"), for those who may resume the investigation;
- **overdue**: open and past a deadline, for those who investigate at its place;
- **escalated to me**: open and escalated to the level at which the user supervises
  (``escalation.escalated_to_q``).

Each part applies only where the user holds the permission (``accounts.scoping``), and the
register applies it on top of what the user sees; a village chief, who acts on no record,
has nothing here. The register's ``needs_action`` filter is this rule.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q

from safevillage.accounts.scoping import prefixes
from safevillage.incidents.deadlines import overdue_q
from safevillage.incidents.escalation import escalated_to_q
from safevillage.incidents.models import OPEN_STATUSES, Status
from safevillage.incidents.workflow import INVESTIGATE, TRANSITIONS
from safevillage.places.codes import under

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


def _where(user: AnyUser, permissions: tuple[str, ...]) -> Q:
    """The records at places where ``user`` holds any one of ``permissions``."""
    codes = {code for permission in permissions for code in prefixes(user, permission)}
    if "" in codes:
        return Q(pk__isnull=False)  # the whole country (an empty Q() would vanish in an OR)
    match = Q(pk__in=[])
    for code in sorted(codes):
        match |= under("place_code", code)
    return match


def needs_action_q(user: AnyUser, now: datetime.datetime | None = None) -> Q:
    """The records waiting for ``user``'s action at ``now`` (see the module's docstring)."""
    acknowledge = TRANSITIONS["acknowledge"]
    resume = TRANSITIONS["start_investigation"]
    return Q(status__in=OPEN_STATUSES) & (
        (_where(user, acknowledge.permissions) & Q(status__in=acknowledge.sources))
        | (_where(user, resume.permissions) & Q(status=Status.UNDER_REVIEW))
        | (_where(user, (INVESTIGATE,)) & overdue_q(now))
        | escalated_to_q(user)
    )
