"""Competition ranking of communes and officers (2010 guideline III.B.6 and IV.6: the best
communes and officers are rewarded each year).

What counts and how much is data (``WeightSet``), versioned by the date it applies from,
like the safety thresholds: every ranking names the set it used. A ranking is derived data
(``RankingResult``): one per area, period, level and weight set is *current*; when the
figures behind it change, the next computation stores a new row and marks the old one
superseded, so that the ranking an award was decided on can always be shown again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# The indicators of a commune, in the order they are shown; "lower" ones count against.
COMMUNE_INDICATORS = (
    "offence_rate",
    "solved",
    "overdue",
    "forums",
    "confirmed",
    "completeness",
    "timeliness",
)
LOWER_IS_BETTER = frozenset({"offence_rate", "overdue", "officer_overdue"})
OFFICER_INDICATORS = ("officer_solved", "officer_overdue")


def _weight(label: Any) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, default=Decimal(0), help_text=_("0 leaves it out")
    )


class WeightSet(models.Model):
    """How much each indicator counts, from a date on. The set in force for a period is the
    latest whose ``valid_from`` is on or before the period's last day."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    valid_from = models.DateField(_("valid from"), unique=True)
    offence_rate = _weight(_("offences per 1,000 residents a year (lower is better)"))
    solved = _weight(_("share of offences solved"))
    overdue = _weight(_("share of records overdue (lower is better)"))
    forums = _weight(_("forums held every quarter"))
    confirmed = _weight(_("complaints the citizen confirmed resolved"))
    completeness = _weight(_("reports submitted for the period"))
    timeliness = _weight(_("reports submitted by the deadline"))
    officer_solved = _weight(_("officer: share of offences solved"))
    officer_overdue = _weight(_("officer: share of records overdue (lower is better)"))
    interval_percent = models.PositiveSmallIntegerField(_("rank interval (%)"), default=90)
    note = models.TextField(_("why these weights"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("weight set")
        verbose_name_plural = _("weight sets")
        constraints = [
            models.CheckConstraint(
                name="weight_interval_in_range",
                condition=models.Q(interval_percent__gte=50, interval_percent__lte=99),
            )
        ]

    def __str__(self) -> str:
        return self.version

    def weights(self, names: tuple[str, ...]) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in names}

    def as_data(self) -> dict[str, str | int]:
        """The values a ranking was computed with, stored beside it."""
        return {
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            **{name: str(getattr(self, name)) for name in COMMUNE_INDICATORS + OFFICER_INDICATORS},
            "interval_percent": self.interval_percent,
        }


class RankingLevel(models.TextChoices):
    COMMUNE = "commune", _("Communes")
    OFFICER = "officer", _("Officers")


class RankingResultQuerySet(models.QuerySet["RankingResult"]):
    def current(self) -> RankingResultQuerySet:
        return self.filter(superseded_at__isnull=True)


class RankingResult(models.Model):
    # The area ranked within ("" the country), denormalised for scoping by prefix.
    area_code = models.CharField(max_length=8, blank=True)
    period_id = models.CharField(max_length=8)
    level = models.CharField(max_length=8, choices=RankingLevel.choices)
    weights = models.ForeignKey(WeightSet, on_delete=models.PROTECT, related_name="+")
    # [{code, rank, rank_low, rank_high, score, indicators, funnel}] best first (rank.py).
    rows = models.JSONField()
    # The peer group's priors and the funnel's centre line.
    inputs = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RankingResultQuerySet.as_manager()

    class Meta:
        ordering = ["area_code", "period_id", "level", "-computed_at", "-id"]
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "period_id", "level", "weights"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_ranking",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_code or 'KH'} {self.period_id} {self.level}"
