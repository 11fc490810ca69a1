"""A synthetic district of Prey Veng (1405, 22 communes) whose quarterly summaries are drawn
by tests/pilots/synthetic.py with a known pilot effect, written as the summaries store them
(commune x quarter), and pilots marked by the provincial secretariat."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from safevillage.core.periods import Period, PeriodKind
from safevillage.pilots import actions
from safevillage.pilots.models import Pilot
from safevillage.places.models import Level, Place, PopulationSource, UnitType
from safevillage.policy.models import Category
from safevillage.reports.models import Basis, CaseSummary, CrimeSummary, Grain
from tests.pilots import synthetic

START = datetime.date(2025, 1, 1)  # the first day of 2025Q1: no transition quarter
FIRST = Period(2023, PeriodKind.QUARTER, 1)  # eight quarters before the start
TODAY = datetime.date(2027, 1, 15)  # eight quarters after it have ended


def quarter_keys(n: int) -> list[int]:
    keys, quarter = [], FIRST
    for _i in range(n):
        keys.append(quarter.year * 10 + quarter.index)
        quarter = quarter.next()
    return keys


@pytest.fixture
def district(places: dict[str, Place], policy: None) -> Callable[..., list[str]]:
    """``district(seed, effect=…, solved_effect=…, pilot_drift=…)``: writes the summaries and
    returns the communes' codes, the pilot ones first."""

    def make(
        seed: int,
        *,
        effect: float = -0.20,
        pilot_drift: float = 0.0,
        solved_effect: float = 0.0,
        n_pilot: int = 2,
        n_comparison: int = 20,
    ) -> list[str]:
        rng = np.random.default_rng(seed)
        drawn = synthetic.simulate(
            rng, n_pilot=n_pilot, n_comparison=n_comparison, effect=effect, pilot_drift=pilot_drift
        )
        parent = Place.objects.create(
            code="1405",
            level=Level.DISTRICT,
            parent=places["14"],
            unit_type=UnitType.SROK,
            name_km="ពារាំង",
            name_latin="Peam Ro",
        )
        complaint = Category.objects.get(code="environment_hygiene")
        keys = quarter_keys(16)
        crimes, cases, codes = [], [], []
        for number, place in enumerate(drawn, start=1):
            code = f"1405{number:02d}"
            codes.append(code)
            Place.objects.create(
                code=code,
                level=Level.COMMUNE,
                parent=parent,
                unit_type=UnitType.KHUM,
                name_km="ឃុំ",
                name_latin=f"Commune {number}",
                population=place.population,
                population_year=2019,
                population_source=PopulationSource.ESTIMATE,
            )
            for t, (key, count) in enumerate(zip(keys, place.counts, strict=True)):
                share = 0.5 + (solved_effect if place.pilot and t >= 8 else 0.0)
                solved = int(rng.binomial(count, share))
                crimes.append(
                    CrimeSummary(grain=Grain.QUARTER, place_code=code, period_key=key, reported=count, solved=solved)
                )
                complaints = int(rng.poisson(place.population / 1000))
                cases.append(
                    CaseSummary(
                        basis=Basis.OCCURRED,
                        grain=Grain.QUARTER,
                        place_code=code,
                        period_key=key,
                        category=complaint,
                        reported=complaints,
                    )
                )
        CrimeSummary.objects.bulk_create(crimes)
        CaseSummary.objects.bulk_create(cases)
        return codes

    return make


@pytest.fixture
def mark(chenda: Any) -> Callable[..., Pilot]:
    def make(codes: list[str], starts_on: datetime.date = START, by: Any = None) -> Pilot:
        return actions.create_pilot(
            by=by or chenda,
            name="Community policing forums",
            description="Monthly forums with the post.",
            starts_on=starts_on,
            places=codes,
        )

    return make
