"""A national classification run: every commune (from the summaries) and, when asked, every
village (from the register in one grouped query), for a period and framework. Used by the
``classify`` command and the scheduled job."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils import timezone

from safevillage.core.periods import Period, PeriodKind
from safevillage.places.models import Level
from safevillage.policy.models import FrameworkVersion
from safevillage.safety.classify import Run, classify
from safevillage.safety.models import Overall


@dataclass
class Timed:
    level: Level
    run: Run
    seconds: float

    def describe(self, prefix: str, period: Period, framework: FrameworkVersion) -> str:
        noun = "communes" if self.level == Level.COMMUNE else "villages"
        counts = ", ".join(f"{self.run.overall.get(key, 0)} {key.replace('_', ' ')}" for key in Overall.values)
        return (
            f"{self.run.places} {noun} of {prefix or 'KH'} for {period.id} under {framework.code} "
            f"in {self.seconds:.2f} s: {counts}; {self.run.created} new decisions, {self.run.unchanged} unchanged."
        )


def classify_all(
    period: Period, framework: FrameworkVersion, *, prefix: str = "", villages: bool = False, by: object = None
) -> list[Timed]:
    levels = [Level.COMMUNE, Level.VILLAGE] if villages else [Level.COMMUNE]
    out = []
    for level in levels:
        started = time.perf_counter()
        run = classify(prefix, period, framework, level, by=by, load=False)
        out.append(Timed(level, run, time.perf_counter() - started))
    return out


def last_ended_quarter() -> Period:
    return Period.containing(timezone.now(), PeriodKind.QUARTER).previous()
