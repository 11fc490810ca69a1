"""The one place that decides who sees what.

Rules (deny by default):
- a permission comes from a role assignment (``roles.PERMISSIONS``) and covers the place of
  the assignment and everything under it, matched by NCDD code prefix;
- a user with no active assignment granting the permission sees nothing;
- a superuser sees everything; an inactive or anonymous user nothing;
- "missing" and "not yours" are the same 404 (``access_or_404``), so that probing codes
  reveals nothing.

Every queryset of jurisdiction-bound rows exposes ``visible_to(user)`` built on
``prefix_filter``; views, API viewsets, exports and reports start from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import models
from django.http import Http404

from safevillage.accounts.roles import role_grants
from safevillage.places.codes import under

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from safevillage.accounts.models import User

    # What request.user may be.
    AnyUser = User | AnonymousUser

M = TypeVar("M", bound=models.Model)


_CACHE_ATTR = "_sv_prefixes"
_ASSIGNMENTS_ATTR = "_sv_assignments"


def _assignments(user: AnyUser) -> list[tuple[str, str]]:
    """The user's active (role, place code) pairs, read once per user object (request)."""
    if _ASSIGNMENTS_ATTR not in user.__dict__:
        from safevillage.accounts.models import RoleAssignment

        user.__dict__[_ASSIGNMENTS_ATTR] = [
            (role, code or "")
            for role, code in RoleAssignment.objects.active()
            .filter(user_id=cast(int, user.pk))
            .values_list("role", "place__code")
        ]
    assignments: list[tuple[str, str]] = user.__dict__[_ASSIGNMENTS_ATTR]
    return assignments


def prefixes(user: AnyUser, permission: str) -> tuple[str, ...]:
    """The place-code prefixes under which ``user`` holds ``permission``; ``("",)`` is the
    whole country. Minimal: a prefix under another one is dropped. Cached on the user
    object for the request."""
    if not user.is_authenticated or not user.is_active:
        return ()
    if user.is_superuser:
        return ("",)
    cache: dict[str, tuple[str, ...]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if permission not in cache:
        codes = sorted({code for role, code in _assignments(user) if role_grants(role, permission)})
        minimal: list[str] = []
        for code in codes:  # sorted, so a prefix comes before the codes under it
            if not any(code.startswith(kept) for kept in minimal):
                minimal.append(code)
        cache[permission] = tuple(minimal)
    return cache[permission]


def prefix_filter(user: AnyUser, permission: str, code_field: str) -> models.Q:
    """A Q object restricting ``code_field`` (a place-code column) to the user's jurisdiction."""
    return within(prefixes(user, permission), code_field)


def within(allowed: tuple[str, ...] | list[str], code_field: str) -> models.Q:
    """A Q object restricting ``code_field`` to these prefixes (as ``prefixes`` gives them,
    kept for later: an export is written within the scope its owner had when asking)."""
    if not allowed:
        return models.Q(pk__in=[])
    if "" in allowed:
        return models.Q()
    q = models.Q()
    for prefix in allowed:
        q |= under(code_field, prefix)
    return q


def can(user: AnyUser, permission: str, place_code: str | None = None) -> bool:
    """Whether ``user`` holds ``permission`` at ``place_code`` (anywhere, when None)."""
    allowed = prefixes(user, permission)
    if place_code is None:
        return bool(allowed)
    return any(place_code.startswith(prefix) for prefix in allowed)


def access_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already scoped queryset; the same 404 whether it does not
    exist or lies outside the user's jurisdiction."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError):
        raise Http404 from None


def forget(user: Any) -> None:
    """Drop the cached prefixes (after the user's assignments change)."""
    user.__dict__.pop(_CACHE_ATTR, None)
    user.__dict__.pop(_ASSIGNMENTS_ATTR, None)
