"""Durations in words, for ages and deadlines in the work queue ("3 days", "5 hours")."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def in_words(delta: datetime.timedelta) -> str:
    """A duration rounded down to whole days, or hours under a day; "less than an hour"
    below that. Negative durations read as their size."""
    seconds = abs(delta.total_seconds())
    days, hours = int(seconds // 86400), int(seconds // 3600)
    if days:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _("less than an hour")
