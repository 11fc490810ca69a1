"""The commune's administrative police post (guideline III.B.2): officers taking turns on
duty, its means (vehicles, radios, a post box in each village) and the budget lines that pay
for them (IV.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.places.models import Place


class DutyShift(models.Model):
    """One officer on duty at a commune's post from ``starts_at`` to ``ends_at``."""

    place = models.ForeignKey(Place, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        indexes = [models.Index(fields=["place", "starts_at"], name="shift_by_post_and_start")]
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_it_starts", condition=models.Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.officer_id} {self.starts_at.isoformat()}"


class EquipmentKind(models.TextChoices):
    VEHICLE = "vehicle", _("Car or pick-up")
    MOTORBIKE = "motorbike", _("Motorbike")
    RADIO = "radio", _("Radio")
    PHONE = "phone", _("Telephone")
    POST_BOX = "post_box", _("Post box for complaints")
    OTHER = "other", _("Other")


class EquipmentState(models.TextChoices):
    WORKING = "working", _("Working")
    BROKEN = "broken", _("Broken")
    MISSING = "missing", _("Missing")


class Equipment(models.Model):
    """A means of a post; a post box stands in a village of the commune."""

    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The commune, or the village where a post box stands."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EquipmentKind.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=EquipmentState.choices)
    checked_on = models.DateField(_("state checked on"))

    class Meta:
        ordering = ["place__code", "kind", "id"]
        verbose_name = _("means")
        verbose_name_plural = _("means")

    def __str__(self) -> str:
        return f"{self.place_id} {self.kind} {self.state}"


class BudgetLine(models.Model):
    """What a level planned and spent on the policy in a year, under one heading."""

    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    heading = models.CharField(_("heading"), max_length=200)
    planned = models.DecimalField(_("planned (riel)"), max_digits=16, decimal_places=0)
    spent = models.DecimalField(_("spent (riel)"), max_digits=16, decimal_places=0, default=0)

    class Meta:
        ordering = ["place__code", "year", "heading"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["place", "year", "heading"], name="one_budget_line_per_heading"),
            models.CheckConstraint(name="budget_not_negative", condition=models.Q(planned__gte=0, spent__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.year} {self.heading}"
