"""What the generator reads from the database: the shipped categories and the current
villages, each weighted by an estimate of its population."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from safevillage.incidents.synthetic.calibration import CATEGORY_MIX
from safevillage.incidents.synthetic.plan import SyntheticError
from safevillage.places.models import Level, Place, UnitType
from safevillage.policy.models import Category


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    group: str
    mediation: bool
    sensitive: bool
    days: tuple[int, int, int]


@dataclass
class Village:
    id: int
    code: str
    province: str
    weight: float


def load_categories() -> list[CategoryInfo]:
    found = []
    for category in Category.objects.filter(active=True, code__in=list(CATEGORY_MIX)).order_by("code"):
        found.append(
            CategoryInfo(
                id=category.pk,
                code=category.code,
                group=CATEGORY_MIX[category.code][0],
                mediation=category.mediation_allowed,
                sensitive=category.sensitive,
                days=(category.acknowledge_days, category.first_action_days, category.close_days),
            )
        )
    if not found:
        raise SyntheticError(_("No category of the shipped policy is active: run manage.py load_policy first."))
    return found


def load_villages(rng: random.Random, on: datetime.date) -> list[Village]:
    """Current villages in code order, each weighted by an estimate of its population."""
    places = Place.objects.current(on).filter(level__in=[Level.PROVINCE, Level.COMMUNE, Level.VILLAGE])
    provinces: dict[str, int | None] = {}
    communes: dict[str, tuple[int | None, str]] = {}
    rows: list[tuple[int, str, int | None]] = []
    for pk, code, level, population, unit_type in places.order_by("code").values_list(
        "pk", "code", "level", "population", "unit_type"
    ):
        if level == Level.PROVINCE:
            provinces[code] = population
        elif level == Level.COMMUNE:
            communes[code] = (population, unit_type)
        else:
            rows.append((pk, code, population))
    if not rows:
        raise SyntheticError(_("The gazetteer has no current village: run manage.py load_gazetteer first."))
    per_commune: dict[str, int] = {}
    per_province: dict[str, int] = {}
    for _pk, code, _population in rows:
        per_commune[code[:6]] = per_commune.get(code[:6], 0) + 1
        per_province[code[:2]] = per_province.get(code[:2], 0) + 1
    villages = []
    for pk, code, population in rows:
        # The noise is drawn for every village, whichever figure is used, so that the draws
        # that follow do not depend on which populations happen to be known.
        noise = rng.lognormvariate(0.0, 0.5)
        commune_population, unit_type = communes.get(code[:6], (None, ""))
        if population:
            weight = float(population)
        elif commune_population:
            weight = commune_population / per_commune[code[:6]]
        elif provinces.get(code[:2]):
            weight = (provinces[code[:2]] or 0) / per_province[code[:2]] * noise
        else:
            weight = 1_000.0 * noise
        if unit_type == UnitType.SANGKAT:
            weight *= 1.3  # towns: more reports per resident
        villages.append(Village(pk, code, code[:2], weight))
    return villages
