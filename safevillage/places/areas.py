"""The area a page is about, named in its URL by an NCDD code or ``KH`` for the whole country,
and checked against the permission the page needs (the forums', disputes', posts', safety and
ranking pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from safevillage.accounts.scoping import access_or_404, can, prefixes
from safevillage.places.models import Level, Place

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

COUNTRY = "KH"


class BadRequest(Exception):
    """A page's address names its area well but something else badly (a period, a level):
    answered 400 with ``message``, which says what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def area_or_404(user: AnyUser, place: str, permission: str, *, deepest: int = Level.VILLAGE) -> Place | None:
    """The place ``place`` names (None: the whole country) if ``user`` holds ``permission``
    there and it is no deeper than ``deepest``; else the same 404 as a code that does not exist."""
    if place == COUNTRY:
        if not can(user, permission, ""):
            raise Http404
        return None
    area = access_or_404(Place.objects.filter(level__lte=deepest), code=place)
    if not can(user, permission, area.code):
        raise Http404
    return area


def home_area(user: AnyUser, permission: str) -> str:
    """Where a module's pages open for ``user``: the country, or the first of their areas."""
    allowed = prefixes(user, permission)
    if not allowed:
        raise Http404
    return COUNTRY if "" in allowed else allowed[0]
