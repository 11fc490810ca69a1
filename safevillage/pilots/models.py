"""Pilots: places where a new way of working is tried before it is rolled out everywhere
(2010 guideline, IV.5: "pilot in one or two places"), with the day it began, so that its
effect can be measured against comparable places rather than asserted (``evaluation``).

A pilot is seen by those who hold ``pilots.view`` over its whole province: its comparison
places are chosen across the province, so a reader must be allowed every one of their
figures. ``scope_code`` is that province (empty when the pilot spans provinces: then the
national level only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


class PilotQuerySet(models.QuerySet["Pilot"]):
    def visible_to(self, user: AnyUser, permission: str = "pilots.view") -> PilotQuerySet:
        from safevillage.accounts.scoping import prefixes

        allowed = prefixes(user, permission)
        if "" in allowed:
            return self
        # A province-wide assignment sees its province's pilots; a narrower one none (their
        # comparison places lie outside it), and a pilot spanning provinces is national.
        provinces = [code for code in allowed if len(code) == 2]
        return self.filter(scope_code__in=provinces)


class Pilot(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    starts_on = models.DateField(_("start date"))
    # Province code of every place, or "" when the places lie in more than one province.
    scope_code = models.CharField(max_length=2, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")

    def __str__(self) -> str:
        return self.name


class PilotPlace(models.Model):
    """A commune or district where the pilot runs; one pilot's places are all of one level."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="places")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    # Denormalised: comparison places are chosen by excluding every pilot place by code.
    place_code = models.CharField(max_length=8, editable=False)

    class Meta:
        ordering = ["place_code"]
        verbose_name = _("pilot place")
        verbose_name_plural = _("pilot places")
        constraints = [models.UniqueConstraint(fields=["pilot", "place"], name="one_pilot_place_per_place")]

    def __str__(self) -> str:
        return f"{self.pilot_id} {self.place_code}"
