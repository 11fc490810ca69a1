"""Who may manage whose account: the one rule behind the people pages, the API and the
CSV import.

A manager is someone holding ``users.manage`` (the national and provincial secretariats,
``roles.PERMISSIONS``). Rules (deny by default):

- a manager grants a role at a place only under a place where they hold ``users.manage``
  (the national secretariat: anywhere, and the roles held for the whole country), and only a
  role of a rank no higher than the role that gives them ``users.manage`` there;
- nobody changes their own account through these doors (roles, activation, password);
- a manager manages an account only when every role it holds or will hold (not ended) is one
  they could grant, and it has held at least one role under them: someone with one role
  above or outside theirs is out of reach, and "out of reach" is the same 404 as "missing";
- staff and superuser accounts are managed in the admin, never here: a provincial page must
  not be a way to reset the password of someone who can open the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.roles import Role, role_grants
from safevillage.accounts.scoping import _assignments
from safevillage.places.codes import under

if TYPE_CHECKING:
    from safevillage.accounts.models import RoleAssignment, User
    from safevillage.accounts.scoping import AnyUser
    from safevillage.accounts.user_import import Row
    from safevillage.places.models import Place

MANAGE = "users.manage"

# The rank of each role: a manager grants roles of their own rank or lower. The auditors
# watch the secretariats' own changes, so only the national secretariat appoints them.
RANK: dict[str, int] = {
    Role.NATIONAL_SECRETARIAT: 5,
    Role.AUDITOR: 5,
    Role.PROVINCIAL_SECRETARIAT: 4,
    Role.DISTRICT_OFFICER: 3,
    Role.COMMUNE_POLICE: 2,
    Role.COMMUNE_COUNCIL: 2,
    Role.VILLAGE_CHIEF: 1,
    Role.SERVICE_PROVIDER: 1,
    Role.RAPID_RESPONSE: 1,
    # Appointed by a secretariat, not by a district: it decides who refers and who receives.
    Role.REFERRAL_COORDINATOR: 4,
}
_TOP = max(RANK.values())


class OutsideAuthority(PermissionDenied):
    """The manager may not make this change. Carries a translated message; left uncaught,
    it is a 403 like any refusal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def grants(manager: AnyUser) -> list[tuple[str, int]]:
    """(place-code prefix, highest rank) pairs where ``manager`` may grant; ``""`` is the
    whole country. Empty for anyone who manages nothing."""
    if not manager.is_authenticated or not manager.is_active:
        return []
    if manager.is_superuser:
        return [("", _TOP)]
    return [(code, RANK[role]) for role, code in _assignments(manager) if role_grants(role, MANAGE)]


def is_manager(manager: AnyUser) -> bool:
    return bool(grants(manager))


def may_grant(manager: AnyUser, role: str, place: Place | None) -> bool:
    """Whether ``manager`` may give ``role`` at ``place`` (None: the whole country)."""
    if role not in RANK:
        return False
    for prefix, rank in grants(manager):
        if RANK[role] > rank:
            continue
        if prefix == "" or (place is not None and place.code.startswith(prefix)):
            return True
    return False


def roles_grantable(manager: AnyUser) -> list[str]:
    """The roles ``manager`` may give somewhere (for the choices of a form)."""
    highest = max((rank for _prefix, rank in grants(manager)), default=0)
    return [role for role in Role.values if RANK[role] <= highest]


def _grantable_q(manager: AnyUser, prefix_field: str = "place__code", role_field: str = "role") -> models.Q:
    """Assignments that ``manager`` could have granted, as a filter on RoleAssignment."""
    q = models.Q(pk__in=[])
    for prefix, rank in grants(manager):
        roles = [role for role, role_rank in RANK.items() if role_rank <= rank]
        where = models.Q() if prefix == "" else under(prefix_field, prefix)
        q |= where & models.Q(**{f"{role_field}__in": roles})
    return q


def _not_ended() -> models.Q:
    return models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=timezone.now())


def manageable_users(manager: AnyUser) -> models.QuerySet[User]:
    """The accounts ``manager`` may manage (see the module's rules); none for a non-manager."""
    from safevillage.accounts.models import RoleAssignment, User

    if not is_manager(manager):
        return User.objects.none()
    grantable = _grantable_q(manager)
    mine = RoleAssignment.objects.filter(grantable, user=OuterRef("pk"))
    beyond = RoleAssignment.objects.filter(_not_ended(), user=OuterRef("pk")).exclude(grantable)
    users = User.objects.filter(Exists(mine)).exclude(Exists(beyond))
    users = users.exclude(pk=cast(int, manager.pk))
    if not manager.is_superuser:
        users = users.filter(is_staff=False, is_superuser=False)
    return users


def user_or_404(manager: AnyUser, pk: int | str) -> User:
    """One account the manager may manage; the same 404 for missing and out of reach."""
    from safevillage.accounts.models import User

    try:
        return manageable_users(manager).get(pk=pk)
    except (ValueError, TypeError, User.DoesNotExist):
        raise Http404 from None


def manages(manager: AnyUser, user: User) -> bool:
    return manageable_users(manager).filter(pk=user.pk).exists()


def check_grant(manager: AnyUser, user: User | None, role: str, place: Place | None) -> None:
    """Raise OutsideAuthority unless ``manager`` may give ``role`` at ``place`` to ``user``
    (None: an account about to be created)."""
    if user is not None and user.pk == manager.pk:
        raise OutsideAuthority(_("You cannot change your own roles: ask another manager."))
    if user is not None and not manages(manager, user):
        raise OutsideAuthority(_("This account holds a role above your own or outside your area."))
    if not may_grant(manager, role, place):
        raise OutsideAuthority(
            _("You cannot give the role %(role)s at this place: it is above your own role or outside your area.")
            % {"role": Role(role).label if role in Role.values else role}
        )


def check_end(manager: AnyUser, assignment: RoleAssignment) -> None:
    """Ending a role needs the same authority as giving it."""
    check_grant(manager, assignment.user, assignment.role, assignment.place)


def import_check(
    manager: AnyUser,
) -> Callable[[list[tuple[Row, Place | None, User | None]]], dict[int, str]]:
    """The rule for the lines of a CSV import made by ``manager`` (``user_import.import_users``'s
    ``authorise``): the role and place must be grantable, and an existing account manageable.
    The accounts are checked in a few queries, whatever the number of lines."""

    def check(lines: list[tuple[Row, Place | None, User | None]]) -> dict[int, str]:
        ids = [user.pk for _row, _place, user in lines if user is not None]
        managed: set[int] = set()
        reach = manageable_users(manager)
        for start in range(0, len(ids), 1000):  # SQLite refuses statements with too many parameters
            managed.update(reach.filter(pk__in=ids[start : start + 1000]).values_list("pk", flat=True))
        refused: dict[int, str] = {}
        for row, place, existing in lines:
            if existing is not None and existing.pk == manager.pk:
                refused[row.line] = _("You cannot change your own roles: ask another manager.")
            elif existing is not None and existing.pk not in managed:
                refused[row.line] = _("username %(username)s belongs to an account you do not manage") % {
                    "username": row.username
                }
            elif not may_grant(manager, row.role, place):
                refused[row.line] = _(
                    "You cannot give the role %(role)s at this place: it is above your own role or outside your area."
                ) % {"role": Role(row.role).label}
        return refused

    return check
