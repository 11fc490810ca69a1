"""Whether places hold their forums: at least one every three months (guideline III.B.4).

Two readings, both from the forums table alone:
- *compliant in a quarter*: the place held at least one forum of its own during the quarter
  (a village's forum counts for that village; a commune's for the commune; a commune forum
  does not make its villages compliant, since the guideline asks each to hold one);
- *overdue today*: more than ``OVERDUE_AFTER_DAYS`` days since the place's last forum, or none
  ever recorded.

An area's compliance is the share of its current villages (and communes) compliant in the
quarter, counted per child place so that a province page lists its districts and a commune
page its villages."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Max

from safevillage.core.periods import Period
from safevillage.forums.models import Forum
from safevillage.places.codes import under
from safevillage.places.models import Level, Place

# Three months of the longest kind (92 days: July to September, October to December).
OVERDUE_AFTER_DAYS = 92


@dataclass(frozen=True)
class Share:
    held: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.held / self.total, 1) if self.total else None


@dataclass(frozen=True)
class ChildCompliance:
    code: str
    villages: Share
    communes: Share
    last_forum: datetime.date | None  # the child's own last forum (villages and communes)


def _held_in(area_code: str, quarter: Period, level: int) -> set[str]:
    """Codes of the places of ``level`` under ``area_code`` that held a forum in ``quarter``."""
    forums = Forum.objects.filter(held_on__gte=quarter.start, held_on__lte=quarter.end, place__level=level)
    if area_code:
        forums = forums.filter(under("place__code", area_code))
    return set(forums.values_list("place__code", flat=True).distinct())


def _current(area_code: str, quarter: Period, level: int) -> list[str]:
    places = Place.objects.current(quarter.end).filter(level=level)
    if area_code:
        places = places.filter(under("code", area_code))
    return list(places.order_by("code").values_list("code", flat=True))


def last_forums(codes: list[str]) -> dict[str, datetime.date]:
    """The date of each listed place's last forum (places without one are absent)."""
    rows = Forum.objects.filter(place__code__in=codes).values("place__code").annotate(last=Max("held_on"))
    return {row["place__code"]: row["last"] for row in rows}


def is_overdue(last: datetime.date | None, today: datetime.date) -> bool:
    return last is None or (today - last).days > OVERDUE_AFTER_DAYS


def area_share(area_code: str, quarter: Period, level: int = Level.VILLAGE) -> Share:
    """The share of an area's current villages (or communes) that held a forum in ``quarter``:
    the figure the reports and the safety classification read."""
    places = _current(area_code, quarter, level)
    held = _held_in(area_code, quarter, level)
    return Share(held=sum(code in held for code in places), total=len(places))


def children(area_code: str, quarter: Period) -> list[ChildCompliance]:
    """One row per child place of ``area_code`` ("" for the country): its villages and
    communes that held a forum in ``quarter`` against those it has."""
    child_length = len(area_code) + 2
    villages = _current(area_code, quarter, Level.VILLAGE)
    communes = _current(area_code, quarter, Level.COMMUNE) if child_length <= 6 else []
    held_villages = _held_in(area_code, quarter, Level.VILLAGE)
    held_communes = _held_in(area_code, quarter, Level.COMMUNE) if communes else set()

    def count(codes: list[str], held: set[str]) -> tuple[Counter[str], Counter[str]]:
        total: Counter[str] = Counter(code[:child_length] for code in codes)
        done: Counter[str] = Counter(code[:child_length] for code in codes if code in held)
        return total, done

    village_total, village_held = count(villages, held_villages)
    commune_total, commune_held = count(communes, held_communes)
    child_codes = _current(area_code, quarter, child_length // 2)
    own = last_forums(child_codes) if child_length >= 6 else {}
    return [
        ChildCompliance(
            code=code,
            villages=Share(village_held[code], village_total[code]),
            communes=Share(commune_held[code], commune_total[code]),
            last_forum=own.get(code),
        )
        for code in child_codes
    ]


def period_share(area_code: str, period: Period, level: int = Level.VILLAGE) -> Share:
    """The share of an area's villages (current at the end of ``period``) that kept to the
    rhythm through a reporting period, for the periodic reports, in one read of the forums:
    for a quarter, a semester or a year, a forum in every quarter it covers; for a month,
    which no quarter fits, not overdue on its last day (a forum in the ``OVERDUE_AFTER_DAYS``
    days before)."""
    quarters = period.quarters()
    first = quarters[0].start if quarters else period.end - datetime.timedelta(days=OVERDUE_AFTER_DAYS)
    forums = Forum.objects.filter(held_on__gte=first, held_on__lte=period.end, place__level=level)
    if area_code:
        forums = forums.filter(under("place__code", area_code))
    held: dict[str, set[int]] = {}
    for code, day in forums.values_list("place__code", "held_on").distinct():
        held.setdefault(code, set()).add((day.month - 1) // 3)
    places = _current(area_code, period, level)
    needed = {(q.start.month - 1) // 3 for q in quarters}
    return Share(held=sum(code in held and needed <= held[code] for code in places), total=len(places))
