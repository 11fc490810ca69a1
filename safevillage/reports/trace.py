"""From a figure to the records behind it.

Every figure of a report links to the register list (``/incidents/``) filtered to exactly
the records it counts. The parameters are:

=============  ===========================================================================
place          place-code prefix (absent for the whole country)
period         month of occurrence: any DHIS2 period (202601, 2026Q1, 2026S1, 2026)
closed         month of closure (local time): any DHIS2 period; the record is closed
category       category code
criterion      ``<framework>-<number>`` (``2021-2``), or ``<framework>-none`` for the
               categories under no criterion of that framework
crime          ``true``: categories that are crimes
status         a status, ``open``, or ``counted`` (everything but withdrawn records)
outcome        solved, mediated, referred, transferred, unfounded, resolved, unresolved
channel        a channel
arrests        ``true``: records with at least one arrest
overdue        ``true``: open records past a deadline (the register's own rule)
overdue_days   ``8-30``: overdue for at least 8 and less than 30 days; ``365-``: a year or more
=============  ===========================================================================

The parameters mean exactly what they mean on the register list: both use
``incidents.filters.selection_q``, so a figure's link shows the records it counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safevillage.incidents.filters import selection_q

ORDER = (
    "place",
    "period",
    "closed",
    "category",
    "criterion",
    "crime",
    "status",
    "outcome",
    "channel",
    "arrests",
    "overdue",
    "overdue_days",
)


def trace_url(params: Mapping[str, str]) -> str:
    """The register list URL for these filters (empty values dropped, fixed order)."""
    query = [(name, params[name]) for name in ORDER if params.get(name)]
    return f"{reverse('incidents:list')}?{urlencode(query)}"


def extra_filters(params: Mapping[str, str]) -> tuple[Q, dict[str, str]]:
    """The selection and errors of the register's own parameters (kept for callers that check
    a link's parameters before following it)."""
    return selection_q(params)


def trace_q(params: Mapping[str, str], now: datetime.datetime | None = None) -> Q:
    """The records a trace link designates: exactly what the register list shows for the
    same parameters (``incidents.filters.selection_q``). Raises ValueError on a bad value."""
    q, errors = selection_q(params, now or timezone.now())
    if errors:
        raise ValueError(errors)
    return q
