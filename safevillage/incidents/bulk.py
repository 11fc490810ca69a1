"""Acknowledging or assigning several records at once, from the register.

Nothing here changes a record itself: each selected record goes through its own action
(``actions.acknowledge``, ``actions.assign``), so each one is checked on its own — the
permission at its place, the version the officer saw, the workflow — in its own transaction
with its own audit event. One refusal does not undo the others; the officer is told, record by
record, what was done and why the rest was refused.

Records are looked up only among those the user sees (``visible_to``): an id outside the
user's area is refused with the same words as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.accounts.models import User
from safevillage.accounts.scoping import can, prefixes
from safevillage.incidents import actions
from safevillage.incidents.models import Incident
from safevillage.incidents.workflow import TRANSITIONS, assignable_officers

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

# One register page at most (``views.register.MAX_PAGE_SIZE``).
MAX_RECORDS = 200
ACTIONS = {"acknowledge": gettext_lazy("Acknowledge"), "assign": gettext_lazy("Assign")}


@dataclass(frozen=True)
class Selected:
    """A record as the register showed it: its id and the version the officer saw."""

    pk: int
    version: int | None


@dataclass(frozen=True)
class Outcome:
    pk: int
    reference: str  # "" when the record was not found
    done: bool
    message: str


def offers(user: AnyUser, action: str) -> bool:
    """Whether ``user`` may take ``action`` anywhere (the register shows the bulk form)."""
    return any(can(user, permission) for permission in TRANSITIONS[action].permissions)


def assignment_place(user: AnyUser, place: str) -> str:
    """The commune or village whose records a bulk assignment covers: the one chosen in the
    filters, else the user's own when it is one commune or village; "" when the records may
    lie in several communes (no one officer could take them all)."""
    if len(place) >= 6 and can(user, "incidents.view", place):
        return place
    own = {code for permission in TRANSITIONS["assign"].permissions for code in prefixes(user, permission)}
    if len(own) == 1 and len(code := next(iter(own))) >= 6:
        return code
    return ""


def assignees(place_code: str) -> QuerySet[User]:
    """Who may be given the records of ``place_code``: the same people as for one record there
    (``workflow.assignable_officers``); each assignment checks again at each record's place."""
    return assignable_officers(Incident(place_code=place_code))


def run(user: User, action: str, selected: list[Selected], assignee: User | None = None) -> list[Outcome]:
    """Take ``action`` on each selected record in turn, each in its own transaction."""
    if action not in ACTIONS or (action == "assign") != (assignee is not None):
        raise ValueError(action)  # the view asks for the person to assign to first
    found = Incident.objects.visible_to(user).in_bulk([item.pk for item in selected])
    outcomes = []
    for item in selected:
        incident = found.get(item.pk)
        if incident is None:
            outcomes.append(Outcome(item.pk, "", False, _("No such record in your area.")))
            continue
        if item.version is None:
            message = _("The register did not say which version of this record you saw: nothing was saved.")
            outcomes.append(Outcome(item.pk, incident.reference, False, message))
            continue
        try:
            if action == "acknowledge":
                actions.acknowledge(incident, by=user, version=item.version)
                done = _("Acknowledged.")
            else:
                person = cast(User, assignee)
                actions.assign(incident, by=user, version=item.version, assignee=person)
                done = _("Assigned to %(name)s.") % {"name": person.full_name or person.username}
        except actions.ActionError as refused:
            outcomes.append(Outcome(item.pk, incident.reference, False, refused.message))
        else:
            outcomes.append(Outcome(item.pk, incident.reference, True, done))
    return outcomes
