"""Integrity flags: where the figures cannot be believed as they stand.

A flag is what one rule (``catalogue.RULES``) found for one place and period: one row per
place, period and rule (the unique key), refreshed by every run, so a daily job never piles
up duplicates. It carries its evidence (the numbers the rule compared) and the records behind
it, as ids and as a register query that reproduces them, so that a reviewer drills down to
exactly what the rule saw.

A flag is reviewed by a supervisor: *open* until someone *explains* it (the figures are right,
here is why) or *confirms* it (the manipulation is real), always with a reason; every change
is an audit event (``actions``). A place with open flags is not eligible for an award
(``eligibility.open_flag_count``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")
    CONFIRMED = "confirmed", _("Confirmed")


# The most record ids kept on a flag; the register query finds them all.
MAX_RECORD_IDS = 200


class FlagQuerySet(models.QuerySet["Flag"]):
    def visible_to(self, user: AnyUser, permission: str = "integrity.view") -> FlagQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "place_code"))

    def open(self) -> FlagQuerySet:
        return self.filter(status=FlagStatus.OPEN)


class Flag(models.Model):
    # Null: the whole country (a break in the audit chain that names no place).
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised for scoping by prefix; "" is the country, seen by national roles only.
    place_code = models.CharField(_("place code"), max_length=8, blank=True)
    period_id = models.CharField(_("period"), max_length=8)
    rule = models.CharField(_("rule"), max_length=32)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # The numbers the rule compared (rule-specific keys, see catalogue.py).
    evidence = models.JSONField(_("evidence"), default=dict)
    # The records behind the flag (at most MAX_RECORD_IDS) and how many there are in all.
    record_ids = models.JSONField(default=list)
    record_count = models.PositiveIntegerField(default=0)
    # Register filter parameters (incidents.filters) that list the records, when they can.
    query = models.JSONField(default=dict)
    # Whether the last run still found it: a flag no longer found is kept with its review.
    active = models.BooleanField(default=True)
    first_found_at = models.DateTimeField(_("first found"))
    last_found_at = models.DateTimeField(_("last found"))
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-last_found_at", "place_code", "rule"]
        verbose_name = _("integrity flag")
        verbose_name_plural = _("integrity flags")
        constraints = [
            models.UniqueConstraint(fields=["place_code", "period_id", "rule"], name="one_flag_per_place_period_rule"),
            models.CheckConstraint(
                name="integrity_flag_reviewed_with_reason",
                condition=models.Q(status="open") | (~models.Q(review_reason="") & models.Q(reviewed_at__isnull=False)),
            ),
        ]
        # Lists filter a jurisdiction (code prefix) and a status; awards count a place's open flags.
        indexes = [models.Index(fields=["status", "place_code", "period_id"], name="integrity_flag_status_place")]

    def __str__(self) -> str:
        return f"{self.place_code or 'KH'} {self.period_id} {self.rule}"
