"""What to generate: a plan checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


class SyntheticError(ValueError):
    """The generator cannot run as asked (nothing is written)."""


@dataclass(frozen=True)
class Plan:
    years: int
    incidents: int
    seed: int
    end_year: int
    chunk: int = 100_000

    def __post_init__(self) -> None:
        if not 1 <= self.years <= 50:
            raise SyntheticError(_("--years must be between 1 and 50."))
        if not 1 <= self.incidents <= 200_000_000:
            raise SyntheticError(_("--incidents must be between 1 and 200,000,000."))
        if not 1979 + self.years <= self.end_year + 1 <= 3000:
            raise SyntheticError(_("--end-year and --years must give years between 1979 and 2999."))
        if not 1_000 <= self.chunk <= 1_000_000:
            raise SyntheticError(_("--chunk must be between 1,000 and 1,000,000."))

    @property
    def first_year(self) -> int:
        return self.end_year - self.years + 1
