"""Changes to accounts, each with its audit row in the same transaction.

Views, the admin and management commands call these rather than writing an assignment or a
token themselves; only the bulk import (``user_import``) writes in bulk, with the same audit
rows. ``by`` is the person acting (None for a command run on the server).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.models import DeviceToken, RoleAssignment, User, check_role_level
from safevillage.accounts.scoping import forget
from safevillage.audit.log import record_event
from safevillage.places.models import Place


def assignment_summary(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "user": assignment.user.username,
        "role": assignment.role,
        "place": assignment.place.code if assignment.place else None,
        "started_at": assignment.started_at,
        "ended_at": assignment.ended_at,
    }


@transaction.atomic
def assign_role(
    user: User,
    role: str,
    place: Place | None,
    *,
    by: Any,
    reason: str = "",
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> RoleAssignment:
    """Give ``user`` a role at a place, from now or from ``started_at`` (until ``ended_at``,
    when known). The role must fit the place's level (a village chief at a village, commune
    police at a commune…); the national roles take no place."""
    check_role_level(role, place.level if place else 0)
    assignment = RoleAssignment.objects.create(
        user=user, role=role, place=place, started_at=started_at or timezone.now(), ended_at=ended_at
    )
    record_event(
        "accounts.assignment.add",
        actor=by,
        target=assignment,
        new=assignment_summary(assignment),
        reason=reason,
        place_code=place.code if place else None,
    )
    forget(user)
    return assignment


@transaction.atomic
def save_assignment(assignment: RoleAssignment, *, by: Any, reason: str = "") -> RoleAssignment:
    """Save an assignment built by a form: a new one, or new dates on an existing one. The
    user, role and place of an existing assignment never change (end it and add another),
    so that the records made under it stay attributed to what it was."""
    check_role_level(assignment.role, assignment.place.level if assignment.place else 0)
    if assignment.pk is None:
        assignment.save()
        record_event(
            "accounts.assignment.add",
            actor=by,
            target=assignment,
            new=assignment_summary(assignment),
            reason=reason,
            place_code=assignment.place.code if assignment.place else None,
        )
    else:
        before = (
            RoleAssignment.objects.select_for_update(of=("self",)).select_related("user", "place").get(pk=assignment.pk)
        )
        if (before.user_id, before.role, before.place_id) != (assignment.user_id, assignment.role, assignment.place_id):
            raise ValidationError(
                _("The role and place of an assignment cannot change: end it and add a new one."), code="immutable"
            )
        old, new = assignment_summary(before), assignment_summary(assignment)
        if old == new:
            return assignment
        assignment.save()
        record_event(
            "accounts.assignment.change",
            actor=by,
            target=assignment,
            old=old,
            new=new,
            reason=reason,
            place_code=assignment.place.code if assignment.place else None,
        )
    forget(assignment.user)
    return assignment


@transaction.atomic
def create_account(
    username: str,
    *,
    full_name: str,
    password_hash: str,
    by: Any,
    reason: str = "",
    place_code: str | None = None,
    phone: str = "",
    must_change_password: bool = False,
) -> User:
    """Create an account from an already hashed password (a loader hashes one password for
    many accounts: hashing costs a quarter of a second each). The audit row names the
    account, never the password; ``place_code`` files it under the place of its first role.
    A password chosen by someone else is temporary (``must_change_password``)."""
    user = User.objects.create(
        username=username,
        full_name=full_name,
        phone=phone,
        password=password_hash,
        must_change_password=must_change_password,
    )
    record_event(
        "accounts.user.create",
        actor=by,
        target=user,
        new={"username": user.username, "full_name": user.full_name, "phone": user.phone},
        reason=reason,
        place_code=place_code,
    )
    return user


def record_user_change(user: User, *, by: Any, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """Audit an account created (``old`` None) or changed in the admin. Called inside the
    admin's transaction, after the save; passwords are never passed here."""
    action = "accounts.user.create" if old is None else "accounts.user.update"
    record_event(action, actor=by, target=user, old=old, new=new)


@transaction.atomic
def end_assignment(assignment: RoleAssignment, *, by: Any, reason: str = "") -> RoleAssignment:
    """End an assignment now. Assignments are never deleted: who held which role where, and
    when, must stay readable for the records they touched."""
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",)).select_related("user", "place").get(pk=assignment.pk)
    )
    if assignment.ended_at is not None and assignment.ended_at <= timezone.now():
        return assignment
    old = assignment_summary(assignment)
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    record_event(
        "accounts.assignment.end",
        actor=by,
        target=assignment,
        old=old,
        new=assignment_summary(assignment),
        reason=reason,
        place_code=assignment.place.code if assignment.place else None,
    )
    forget(assignment.user)
    return assignment


@transaction.atomic
def issue_device_token(user: User, name: str, *, by: Any) -> tuple[DeviceToken, str]:
    """Issue an API token for one of ``user``'s field devices. The key is returned once and
    only its hash is stored; the audit row names the device and the key's first characters."""
    token, key = DeviceToken.issue(user, name)
    record_event(
        "accounts.device_token.issue",
        actor=by,
        target=token,
        new={"user": user.username, "name": token.name, "key_prefix": token.key_prefix},
    )
    return token, key


@transaction.atomic
def revoke_device_token(token: DeviceToken, *, by: Any, reason: str = "") -> DeviceToken:
    """Revoke a token: from now on it authenticates nothing. Revoking twice changes nothing."""
    token = DeviceToken.objects.select_for_update(of=("self",)).select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        "accounts.device_token.revoke",
        actor=by,
        target=token,
        old={"revoked_at": None},
        new={"user": token.user.username, "name": token.name, "revoked_at": token.revoked_at},
        reason=reason,
    )
    return token


@transaction.atomic
def record_password_change(user: User, *, by: Any, temporary: bool) -> None:
    """Note that a password was set (never the password). A password chosen by someone else
    is temporary: its holder must replace it at the next sign-in."""
    User.objects.filter(pk=user.pk).update(must_change_password=temporary)
    user.must_change_password = temporary
    action = "accounts.password.set_temporary" if temporary else "accounts.password.change"
    record_event(action, actor=by, target=user)


@transaction.atomic
def record_password_guesses_exceeded(user: User, *, failures: int) -> None:
    """Note that whoever held ``user``'s session gave a wrong current password ``failures``
    times on the password-change page; the caller then ends the session."""
    record_event("accounts.password.guesses_exceeded", actor=user, target=user, new={"failures": failures})


@transaction.atomic
def record_password_disabled(user: User, *, by: Any) -> None:
    """Note that password sign-in was switched off for an account."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    record_event("accounts.password.disable", actor=by, target=user)


@transaction.atomic
def set_active(user: User, active: bool, *, by: Any, reason: str = "", place_code: str | None = None) -> User:
    """Deactivate an account (it can no longer sign in, nor its device keys authenticate) or
    reactivate it. Nothing is deleted: the records made under it stay attributed. Setting
    the state it already has changes nothing."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        "accounts.user.reactivate" if active else "accounts.user.deactivate",
        actor=by,
        target=user,
        old={"is_active": not active},
        new={"is_active": active},
        reason=reason,
        place_code=place_code,
    )
    return user


@transaction.atomic
def reset_password(user: User, *, by: Any, place_code: str | None = None) -> str:
    """Give ``user`` a new random temporary password and return it, to be handed over once;
    its holder must replace it at the next sign-in. Sessions signed in with the old password
    end (Django checks a hash of the password on every request). The audit row never holds it."""
    from safevillage.accounts.user_import import temporary_password

    password = temporary_password()
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_event("accounts.password.set_temporary", actor=by, target=user, place_code=place_code)
    return password
