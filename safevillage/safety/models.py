"""Safety classification of villages and communes (2010 guideline II; 2021 amendment).

The national police's rule: "If a village-commune has no offences recorded then it is called
a safe village-commune. The village-commune with very few offences which they are able to
suppress is also called a safe village-commune." "Very few" and "suppressed" are numbers an
administrator can change, so they are data (``ThresholdSet``), versioned by the date they
apply from, and every decision names the set it used.

A decision (``SafetyDecision``) is derived data: one per place, period and framework is
*current*; when the figures behind it change, the next classification stores a new row and
marks the old one superseded, so the history of a place's classification is never lost.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    # Never shown as safe: no submitted report, unknown population, or no records kept yet.
    INSUFFICIENT = "insufficient", _("Insufficient data")


class Overall(models.TextChoices):
    SAFE = "safe", _("Safe")
    NOT_SAFE = "not_safe", _("Not safe")
    INSUFFICIENT = "insufficient", _("Insufficient data")


class ThresholdSet(models.Model):
    """What "very few" and "suppressed" mean, from a date on. The set in force for a period
    is the latest whose ``valid_from`` is on or before the period's last day."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    valid_from = models.DateField(_("valid from"), unique=True)
    # "Very few": offences of a criterion per 1,000 residents a year, pro rata for the period.
    max_offences_per_1000_year = models.DecimalField(
        _("most offences per 1,000 residents a year"), max_digits=6, decimal_places=2
    )
    # "Suppressed": the share of those offences solved (100: every one).
    min_solved_percent = models.DecimalField(_("least share solved (%)"), max_digits=5, decimal_places=2)
    # Public order and road safety (2021, point 3).
    max_traffic_accidents_per_1000_year = models.DecimalField(
        _("most traffic accidents per 1,000 residents a year"), max_digits=6, decimal_places=2
    )
    max_traffic_deaths = models.PositiveIntegerField(_("most deaths in traffic accidents"))
    # Complaints and emergencies handled in time (2021, points 1, 6 and 7): records still
    # open past a deadline allowed.
    max_overdue = models.PositiveIntegerField(_("most records overdue"))
    note = models.TextField(_("why these values"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("threshold set")
        verbose_name_plural = _("threshold sets")
        constraints = [
            models.CheckConstraint(
                name="threshold_solved_percent_in_range",
                condition=models.Q(min_solved_percent__gte=0, min_solved_percent__lte=100),
            )
        ]

    def __str__(self) -> str:
        return self.version

    def as_data(self) -> dict[str, str | int]:
        """The values a decision was taken with, stored beside it."""
        return {
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            "max_offences_per_1000_year": str(self.max_offences_per_1000_year),
            "min_solved_percent": str(self.min_solved_percent),
            "max_traffic_accidents_per_1000_year": str(self.max_traffic_accidents_per_1000_year),
            "max_traffic_deaths": self.max_traffic_deaths,
            "max_overdue": self.max_overdue,
        }


class SafetyDecisionQuerySet(models.QuerySet["SafetyDecision"]):
    def current(self) -> SafetyDecisionQuerySet:
        return self.filter(superseded_at__isnull=True)


class SafetyDecision(models.Model):
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    # Denormalised for scoping by prefix and for the national list.
    place_code = models.CharField(max_length=8)
    period_id = models.CharField(max_length=8)
    framework = models.ForeignKey("policy.FrameworkVersion", on_delete=models.PROTECT, related_name="+")
    thresholds = models.ForeignKey(ThresholdSet, on_delete=models.PROTECT, related_name="+")
    overall = models.CharField(max_length=16, choices=Overall.choices)
    # [{number, verdict, kind, reasons, evidence, allowed, trace}] in criterion order (rules.py);
    # the names are the framework's criteria (policy data).
    criteria = models.JSONField()
    # What the decision was read from: population, report submitted, the threshold values.
    inputs = models.JSONField()
    # SHA-256 of the canonical decision and inputs: equal fingerprints, equal decisions.
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = SafetyDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["place_code", "period_id", "-computed_at", "-id"]
        verbose_name = _("safety decision")
        verbose_name_plural = _("safety decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["place_code", "period_id", "framework"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_safety_decision",
            )
        ]
        indexes = [models.Index(fields=["period_id", "framework", "place_code"], name="safety_decision_lookup")]

    def __str__(self) -> str:
        return f"{self.place_code} {self.period_id} {self.overall}"
