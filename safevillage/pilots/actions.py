"""Every write of the pilots module: permission at each place, one transaction, one audit row.

The guideline asks that a new way of working be tried "in one or two places" before it is
rolled out (2010 guideline, IV.5). The national secretariat marks pilots anywhere, a
provincial secretariat in its own province (``pilots.manage`` at every place of the pilot)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.pilots.models import Pilot, PilotPlace
from safevillage.places.models import Level, Place

MANAGE = "pilots.manage"
# A pilot is a few places by definition; a handful more than the guideline's two is allowed
# (a district and a neighbour, say), beyond that it is a roll-out, not a pilot.
MAX_PLACES = 5
LEVELS = (Level.DISTRICT, Level.COMMUNE)


class PilotError(Exception):
    """Refused; ``message`` is translated and safe to show; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_places(by: Any, codes: list[str]) -> list[Place]:
    codes = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not codes:
        raise PilotError(_("Give at least one place."), "places")
    if len(codes) > MAX_PLACES:
        raise PilotError(_("A pilot has at most %(max)d places.") % {"max": MAX_PLACES}, "places")
    found = {place.code: place for place in Place.objects.current().filter(code__in=codes)}
    for code in codes:
        place = found.get(code)
        # A place outside the user's area reads as one that does not exist.
        if place is None or not can(by, MANAGE, code):
            raise PilotError(_("No place under you has the code %(code)s.") % {"code": code}, "places")
        if place.level not in LEVELS:
            raise PilotError(_("%(code)s is not a commune or a district.") % {"code": code}, "places")
    if len({found[code].level for code in codes}) > 1:
        raise PilotError(_("A pilot's places are all communes or all districts."), "places")
    for code in codes:
        if any(c != code and (c.startswith(code) or code.startswith(c)) for c in codes):
            raise PilotError(_("A pilot's places cannot lie inside one another."), "places")
    return [found[code] for code in codes]


@transaction.atomic
def create_pilot(*, by: Any, name: str, description: str, starts_on: datetime.date, places: list[str]) -> Pilot:
    """Mark ``places`` (NCDD codes of communes, or of districts) as a pilot from ``starts_on``."""
    chosen = _check_places(by, places)
    provinces = {place.code[:2] for place in chosen}
    pilot = Pilot.objects.create(
        name=name.strip(),
        description=description.strip(),
        starts_on=starts_on,
        scope_code=provinces.pop() if len(provinces) == 1 else "",
        created_by=by,
    )
    PilotPlace.objects.bulk_create(PilotPlace(pilot=pilot, place=place, place_code=place.code) for place in chosen)
    record_event(
        "pilots.create",
        actor=by,
        target=pilot,
        target_label=pilot.name[:200],
        new={"starts_on": starts_on.isoformat(), "places": [place.code for place in chosen]},
        place_code=pilot.scope_code or None,
    )
    return pilot
