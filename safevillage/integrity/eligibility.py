"""Whether a place's figures may be rewarded: a place with open integrity flags is not
eligible for an award until they are reviewed (issue: under-reporting must not pay)."""

from __future__ import annotations

from safevillage.integrity.models import Flag, FlagStatus
from safevillage.places.codes import under
from safevillage.places.models import Place


def open_flag_count(place: Place | str, year: int) -> int:
    """Open flags on the place or any place under it, for any period of the year (202601,
    2026Q1, 2026S1, 2026 all start with the year). Inactive flags count while open: a flag
    the last run no longer finds still needs its review."""
    code = place if isinstance(place, str) else place.code
    return Flag.objects.filter(
        under("place_code", code), status=FlagStatus.OPEN, period_id__startswith=str(year)
    ).count()
