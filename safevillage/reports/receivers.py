"""The reports' answer to changes of the policy they count by.

A category that becomes a crime, or stops being one, changes which records the crime
summary counts: it is derived again from the case summaries in the same transaction as the
change (``bulk_rebuild.rebuild_crimes``), so that the ranking never counts by the old rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from safevillage.policy.models import Category

_WAS_CRIME = "_reports_was_crime"


@receiver(pre_save, sender=Category, dispatch_uid="reports.category_crime_before")
def remember_crime_flag(sender: type[Category], instance: Category, raw: bool = False, **kwargs: Any) -> None:
    if instance.pk is None or raw:
        return
    before = Category.objects.filter(pk=instance.pk).values_list("is_crime", flat=True).first()
    setattr(instance, _WAS_CRIME, before)


@receiver(post_save, sender=Category, dispatch_uid="reports.category_crime_after")
def recount_crimes(sender: type[Category], instance: Category, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from safevillage.reports.bulk_rebuild import rebuild_crimes

    was = getattr(instance, _WAS_CRIME, None)
    if raw or created or was is None or was == instance.is_crime:
        return
    rebuild_crimes()  # atomic itself: within the save's transaction when there is one
