"""What a manager does to the officers of their area, for the people pages and the API alike:
each operation checks the authority rule (``accounts.authority``) inside its transaction and
changes the account through ``accounts.actions``, which write the audit rows.

A refused change raises ``authority.OutsideAuthority``; a value that cannot be used (a place
code that names no place, a role that does not fit the place's level, a taken username)
raises ``ValidationError`` with the field it belongs to.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts import actions, authority
from safevillage.accounts.models import RoleAssignment, User, check_role_level
from safevillage.accounts.phones import normalise_phone
from safevillage.accounts.user_import import temporary_password
from safevillage.core.khmer import to_ascii_digits
from safevillage.places.models import Place


def start_of_day(day: datetime.date) -> datetime.datetime:
    """A day typed by a manager, as the moment it begins where the officers work."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def place_for(code: str) -> Place | None:
    """The place a typed code names (Khmer digits read too); None for an empty code."""
    code = to_ascii_digits(code or "").strip()
    if not code:
        return None
    place = Place.objects.filter(code=code).first()
    if place is None or place.is_archived:
        raise ValidationError({"place_code": _("No place has this code.")})
    return place


def check_role(manager: Any, user: User | None, role: str, place: Place | None) -> None:
    """The role fits the place's level, and the manager may give it there to this account."""
    try:
        check_role_level(role, place.level if place else 0)
    except ValidationError as error:
        raise ValidationError({"place_code": error.messages}) from None
    authority.check_grant(manager, user, role, place)


def clean_username(username: str) -> str:
    try:
        User.username_validator(username)
    except ValidationError:
        # The import's own words, translated (Django's validator's are not).
        raise ValidationError(
            {
                "username": _("username %(username)r may hold only letters, digits and @ . + - _ (at most 150)")
                % {"username": username}
            }
        ) from None
    if User.objects.annotate(folded=Lower("username")).filter(folded=username.casefold()).exists():
        raise ValidationError({"username": _("This username is taken: choose another.")})
    return username


def clean_phone(phone: str) -> str:
    try:
        return normalise_phone(phone)
    except ValueError:
        raise ValidationError(
            {"phone": _("Write a Cambodian number such as 012 345 678 or +855 12 345 678.")}
        ) from None


@transaction.atomic
def create_officer(
    manager: Any,
    *,
    username: str,
    full_name: str,
    phone: str,
    role: str,
    place: Place | None,
    started_at: datetime.datetime | None = None,
) -> tuple[User, str]:
    """A new account holding one role, with a temporary password returned once: its holder
    must replace it at the first sign-in."""
    check_role(manager, None, role, place)
    password = temporary_password()
    user = actions.create_account(
        clean_username(username),
        full_name=full_name,
        phone=clean_phone(phone),
        password_hash=make_password(password),
        must_change_password=True,
        by=manager,
        place_code=place.code if place else None,
    )
    actions.assign_role(user, role, place, by=manager, started_at=started_at)
    return user, password


@transaction.atomic
def give_role(
    manager: Any, user: User, role: str, place: Place | None, *, started_at: datetime.datetime | None = None
) -> RoleAssignment:
    check_role(manager, user, role, place)
    return actions.assign_role(user, role, place, by=manager, started_at=started_at)


@transaction.atomic
def end_role(
    manager: Any, assignment: RoleAssignment, *, ended_on: datetime.date | None = None, reason: str = ""
) -> RoleAssignment:
    """End a role now, or from the start of ``ended_on`` (not before the role started)."""
    authority.check_end(manager, assignment)
    if ended_on is None:
        return actions.end_assignment(assignment, by=manager, reason=reason)
    ended_at = start_of_day(ended_on)
    if ended_at < assignment.started_at:
        raise ValidationError({"ended_on": _("An assignment cannot end before it starts.")})
    assignment.ended_at = ended_at
    return actions.save_assignment(assignment, by=manager, reason=reason)


def _place_code(user: User) -> str | None:
    """The place an account's audit rows are filed under: its first role's."""
    codes = user.assignments.exclude(place=None).order_by("started_at").values_list("place__code", flat=True)
    return codes.first()


@transaction.atomic
def set_active(manager: Any, user: User, active: bool, *, reason: str = "") -> User:
    if not authority.manages(manager, user):
        raise authority.OutsideAuthority(_("This account holds a role above your own or outside your area."))
    return actions.set_active(user, active, by=manager, reason=reason, place_code=_place_code(user))


@transaction.atomic
def reset_password(manager: Any, user: User) -> str:
    if not authority.manages(manager, user):
        raise authority.OutsideAuthority(_("This account holds a role above your own or outside your area."))
    return actions.reset_password(user, by=manager, place_code=_place_code(user))
