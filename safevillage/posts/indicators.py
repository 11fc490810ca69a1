"""The post's figures for an area: who was on duty when, officers per 1,000 residents,
villages with a working post box, and the budget spent."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.roles import Role
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.posts.models import BudgetLine, DutyShift, Equipment, EquipmentKind, EquipmentState


def on_duty(commune_code: str, at: datetime.datetime) -> list[int]:
    """The officers (user ids) on duty at a commune's post at a moment: who received a record."""
    shifts = DutyShift.objects.filter(place__code=commune_code, starts_at__lte=at, ends_at__gt=at)
    return sorted(set(shifts.values_list("officer_id", flat=True)))


@dataclass(frozen=True)
class PostFigures:
    officers: int
    population: int | None  # of the communes with a known population
    villages: int
    villages_with_box: int
    planned: Decimal
    spent: Decimal

    @property
    def officers_per_1000(self) -> float | None:
        return round(1000 * self.officers / self.population, 2) if self.population else None

    @property
    def box_percent(self) -> float | None:
        return round(100 * self.villages_with_box / self.villages, 1) if self.villages else None

    @property
    def spent_percent(self) -> float | None:
        return round(float(100 * self.spent / self.planned), 1) if self.planned else None


def figures(area_code: str, year: int) -> PostFigures:
    officers = (
        RoleAssignment.objects.active()
        .filter(role=Role.COMMUNE_POLICE)
        .filter(under("place__code", area_code))
        .values("user_id")
        .distinct()
        .count()
    )
    # The area's own figure (the provinces' are the 2019 census), else its communes' (estimates).
    own = Place.objects.filter(code=area_code).values_list("population", flat=True).first() if area_code else None
    level = Level.COMMUNE if area_code else Level.PROVINCE
    population = (
        own
        or Place.objects.current()
        .filter(level=level)
        .filter(under("code", area_code))
        .aggregate(total=Sum("population"))["total"]
    )
    villages = Place.objects.current().filter(level=Level.VILLAGE).filter(under("code", area_code))
    boxed = (
        Equipment.objects.filter(kind=EquipmentKind.POST_BOX, state=EquipmentState.WORKING, place__level=Level.VILLAGE)
        .filter(under("place__code", area_code))
        .values("place_id")
        .distinct()
        .count()
    )
    budget = (
        BudgetLine.objects.filter(year=year)
        .filter(under("place__code", area_code))
        .aggregate(planned=Sum("planned"), spent=Sum("spent"))
    )
    return PostFigures(
        officers=officers,
        population=population,
        villages=villages.count(),
        villages_with_box=boxed,
        planned=budget["planned"] or Decimal(0),
        spent=budget["spent"] or Decimal(0),
    )


def by_child(area_code: str, year: int) -> dict[str, PostFigures]:
    """``figures`` for every current child of an area ("" for the provinces), each source read
    once for the whole area and grouped by the child's code prefix (not five queries a child)."""
    length = len(area_code) + 2
    children = Place.objects.current().filter(level=length // 2).filter(under("code", area_code))
    codes = dict(children.values_list("code", "population"))

    def count(pairs: Iterable[tuple[str, object]]) -> Counter[str]:
        """Distinct (child, key) pairs counted per child."""
        return Counter(code[:length] for code, _key in set(pairs))

    officers = count(
        (code, user)
        for code, user in RoleAssignment.objects.active()
        .filter(role=Role.COMMUNE_POLICE)
        .filter(under("place__code", area_code))
        .values_list("place__code", "user_id")
    )
    communes = Place.objects.current().filter(level=Level.COMMUNE).filter(under("code", area_code))
    commune_people: Counter[str] = Counter()
    for code, population in communes.values_list("code", "population"):
        commune_people[code[:length]] += population or 0
    villages = Counter(
        code[:length]
        for code in Place.objects.current()
        .filter(level=Level.VILLAGE)
        .filter(under("code", area_code))
        .values_list("code", flat=True)
    )
    boxed = count(
        Equipment.objects.filter(kind=EquipmentKind.POST_BOX, state=EquipmentState.WORKING, place__level=Level.VILLAGE)
        .filter(under("place__code", area_code))
        .values_list("place__code", "place_id")
    )
    planned: dict[str, Decimal] = defaultdict(Decimal)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    for code, plan, spend in (
        BudgetLine.objects.filter(year=year)
        .filter(under("place__code", area_code))
        .values_list("place__code", "planned", "spent")
    ):
        if len(code) >= length:
            planned[code[:length]] += plan
            spent[code[:length]] += spend
    return {
        code: PostFigures(
            officers=officers[code],
            population=own or commune_people[code] or None,
            villages=villages[code],
            villages_with_box=boxed[code],
            planned=planned[code],
            spent=spent[code],
        )
        for code, own in codes.items()
    }
