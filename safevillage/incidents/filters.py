"""Filtering the register from query parameters: the one implementation behind the list
page, the CSV export and the API list, so that a shared or bookmarked URL means the same
thing everywhere."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, IntegerField, OrderBy, Q, Value, When
from django.db.models.expressions import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.core.periods import Period, PeriodError
from safevillage.incidents.attention import needs_action_q
from safevillage.incidents.deadlines import overdue_q
from safevillage.incidents.models import OPEN_STATUSES, Channel, IncidentQuerySet, Outcome, Status
from safevillage.places.codes import under
from safevillage.policy.models import Category

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

# Free-text search reads the description with LIKE: a longer query only costs more.
MAX_QUERY_LENGTH = 100

# The parameters that select records (not how they are shown): kept in links and the export.
FILTER_PARAMS = (
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
    "escalated",
    "q",
    # Personal: what the reader has to do (``personal_q``).
    "assigned",
    "needs_action",
)

# Status sorts in workflow order, not alphabetically.
_STATUS_ORDER = Case(
    *(When(status=status, then=Value(position)) for position, status in enumerate(Status.values)),
    default=Value(len(Status.values)),
    output_field=IntegerField(),
)
SORTS: dict[str, F | Case] = {"reported": F("reported_at"), "occurred": F("occurred_at"), "status": _STATUS_ORDER}
# The columns each sort orders by, ending with the id that breaks ties: the keys of a keyset
# page (core.paging.KeysetPages). Ordering by time of the incident is ordering by its month
# first (the month is that time's, in local time), which the incident_occurred index holds
# in this order even under a period filter, a range of months.
ORDER_KEYS: dict[str, tuple[str, ...]] = {
    "reported": ("reported_at", "id"),
    "occurred": ("period_month", "occurred_at", "id"),
    "status": ("status_rank", "id"),
}
DEFAULT_SORT = "-reported"
# A period selects records by when they occurred: unless another order is asked for, they are
# listed in that order, which the incident_occurred index serves (a walk of the report-time
# index would first pass over everything reported since the period).
DEFAULT_SORT_WITH_PERIOD = "-occurred"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_PERIOD_ERROR = gettext_lazy("A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026).")


@dataclass
class FilterResult:
    queryset: IncidentQuerySet
    errors: dict[str, str] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    # The queryset's order, for keyset pages: its columns (ORDER_KEYS) and direction.
    keys: tuple[str, ...] = ORDER_KEYS["reported"]
    descending: bool = True
    # The index that holds the records in this order with the filters' columns: a large
    # selection's page walks it (core.paging.KeysetPages; None: no index has this order).
    walk_index: str | None = "incident_newest"


def filter_incidents(
    incidents: IncidentQuerySet,
    params: Mapping[str, str],
    now: datetime.datetime | None = None,
    *,
    user: AnyUser | None = None,
) -> FilterResult:
    """Apply the selection parameters (``selection_q``), the reader's own (``personal_q``:
    ``user`` is the reader), ``q`` (text in the reference or description) and ``sort`` to an
    already scoped queryset. Bad values are reported in ``errors`` (translated) and the filter
    matches nothing, never everything."""
    selection, errors = selection_q(params, now)
    personal, personal_errors = personal_q(params, user, now)
    errors.update(personal_errors)
    incidents = incidents.filter(selection & personal)
    if "q" not in errors and (query := params.get("q", "").strip()):
        if len(query) > MAX_QUERY_LENGTH:
            errors["q"] = _("Search for at most %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH}
        else:
            incidents = incidents.filter(Q(reference__icontains=query) | Q(description__icontains=query))
    default = DEFAULT_SORT_WITH_PERIOD if params.get("period", "").strip() else DEFAULT_SORT
    sort = params.get("sort", "").strip() or default
    if sort.lstrip("-") not in SORTS:
        errors["sort"] = _("Unknown sort order.")
        sort = default
    name, descending = sort.lstrip("-"), sort.startswith("-")
    keys = ORDER_KEYS[name]
    if name == "status":
        incidents = incidents.annotate(status_rank=_STATUS_ORDER)
    # The id breaks ties, so that pages never repeat or skip a record.
    incidents = incidents.order_by(*(OrderBy(F(key), descending=descending) for key in keys))
    if errors:
        incidents = incidents.none()
    return FilterResult(incidents, errors, sort, keys, descending, _walk_index(name))


def _walk_index(sort: str) -> str | None:
    """The index holding the records in this sort's order (``Incident.Meta.indexes``)."""
    return {"reported": "incident_newest", "occurred": "incident_occurred"}.get(sort)


def selection_q(params: Mapping[str, str], now: datetime.datetime | None = None) -> tuple[Q, dict[str, str]]:
    """The records the parameters select, and translated errors by parameter. This is the one
    meaning of the register's parameters, shared by the list, the export, the API and the
    links behind every report figure (``reports.trace``):

    =========  ============================================================================
    place      place-code prefix
    period     month of occurrence: any DHIS2 period (202601, 2026Q1, 2026S1, 2026)
    closed     month of closure (local time), any DHIS2 period; the record is closed
    category   category code
    criterion  ``<framework>-<number>`` (``2021-2``), or ``<framework>-none``
    crime      ``true``: categories that are crimes
    status     a status, ``open``, or ``counted`` (everything but withdrawn records)
    outcome    solved, mediated, referred, transferred, unfounded, resolved, unresolved
    channel    a channel
    arrests    ``true``: records with at least one arrest
    overdue    ``true``: open records past a deadline (``deadlines.overdue_q``)
    overdue_days  ``8-30``: overdue for at least 8 and less than 30 days; ``365-``: a year or more
    escalated  ``true``, or the level escalated to (0 national, 1 province, 2 district)
    =========  ============================================================================
    """
    q = Q()
    # PostgreSQL refuses a NUL character anywhere in a query (a 500 otherwise): a parameter
    # holding one is refused here, once, and not read further.
    errors = {
        name: _("This value contains a character that is not allowed.")
        for name, value in params.items()
        if "\x00" in value
    }
    params = {name: value for name, value in params.items() if name not in errors}
    if place := params.get("place", "").strip():
        if not place.isdigit() or len(place) not in (2, 4, 6, 8):
            errors["place"] = _("A place code has 2, 4, 6 or 8 digits.")
        else:
            q &= under("place_code", place)
    if period_id := params.get("period", "").strip():
        try:
            period = Period.parse(period_id)
            q &= Q(period_month__gte=period.first_month, period_month__lte=period.last_month)
        except PeriodError:
            errors["period"] = _(
                "A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026)."
            )
    if closed_id := params.get("closed", "").strip():
        try:
            start, end = _local_bounds(Period.parse(closed_id))
            q &= Q(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
        except PeriodError:
            errors["closed"] = _(
                "A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026)."
            )
    if category := params.get("category", "").strip():
        # By the category's id, not a join on its code: the indexes hold the id.
        if (category_id := Category.objects.filter(code=category).values_list("id", flat=True).first()) is not None:
            q &= Q(category_id=category_id)
        else:
            errors["category"] = _("Unknown category.")
    if criterion := params.get("criterion", "").strip():
        framework, _sep, number = criterion.partition("-")
        in_framework = Q(criterion_2010__framework__code=framework) | Q(point_2021__framework__code=framework)
        if number == "none":
            q &= ~Q(category__in=Category.objects.filter(in_framework))
        elif number.isascii() and number.isdigit():
            n = int(number)
            q &= Q(
                category__in=Category.objects.filter(
                    Q(criterion_2010__framework__code=framework, criterion_2010__number=n)
                    | Q(point_2021__framework__code=framework, point_2021__number=n)
                )
            )
        else:
            errors["criterion"] = _("A criterion is written framework-number, such as 2021-2.")
    if crime := params.get("crime", "").strip().lower():
        if crime in _TRUE:
            q &= Q(category__in=Category.objects.filter(is_crime=True))
        else:
            errors["crime"] = _("Use crime=true.")
    if status := params.get("status", "").strip():
        if status == "open":
            q &= Q(status__in=OPEN_STATUSES)
        elif status == "counted":
            q &= ~Q(status=Status.WITHDRAWN)
        elif status in Status.values:
            q &= Q(status=status)
        else:
            errors["status"] = _("Unknown status.")
    if outcome := params.get("outcome", "").strip():
        if outcome in Outcome.values:
            q &= Q(outcome=outcome)
        else:
            errors["outcome"] = _("Unknown outcome.")
    if channel := params.get("channel", "").strip():
        if channel in Channel.values:
            q &= Q(channel=channel)
        else:
            errors["channel"] = _("Unknown channel.")
    if arrests := params.get("arrests", "").strip().lower():
        if arrests in _TRUE:
            q &= Q(arrests__gt=0)
        else:
            errors["arrests"] = _("Use arrests=true.")
    if overdue := params.get("overdue", "").strip().lower():
        if overdue in _TRUE:
            q &= overdue_q(now)
        elif overdue not in _FALSE:  # false: no restriction, as the API documents
            errors["overdue"] = _("Use overdue=true.")
    if span := params.get("overdue_days", "").strip():
        q, errors = _overdue_days(q, errors, span, now)
    if escalated := params.get("escalated", "").strip().lower():
        if escalated in _TRUE:
            q &= Q(escalated_to_level__isnull=False)
        elif escalated in ("0", "1", "2"):
            q &= Q(escalated_to_level=int(escalated))
        else:
            errors["escalated"] = _("Escalation is 0 (national), 1 (province) or 2 (district).")
    return q, errors


def personal_q(
    params: Mapping[str, str], user: AnyUser | None, now: datetime.datetime | None = None
) -> tuple[Q, dict[str, str]]:
    """The parameters that depend on who reads (not shareable as a link to the same records):

    ============  =========================================================================
    assigned      ``me``: open or closed records assigned to the reader
    needs_action  ``true``: records waiting for the reader's action (``attention``)
    ============  =========================================================================
    """
    q, errors = Q(), {}
    if assigned := params.get("assigned", "").strip().lower():
        if assigned != "me":
            errors["assigned"] = _("Use assigned=me.")
        elif user is None or not user.is_authenticated:
            errors["assigned"] = _("Sign in to see the records assigned to you.")
        else:
            q &= Q(assigned_to=user)
    if needs_action := params.get("needs_action", "").strip().lower():
        if needs_action not in _TRUE:
            errors["needs_action"] = _("Use needs_action=true.")
        elif user is None or not user.is_authenticated:
            errors["needs_action"] = _("Sign in to see the records waiting for you.")
        else:
            q &= needs_action_q(user, now)
    return q, errors


def _local_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and last instants in the reporting time zone, as aware datetimes."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _overdue_days(q: Q, errors: dict[str, str], span: str, now: datetime.datetime | None) -> tuple[Q, dict[str, str]]:
    """Overdue for at least ``low`` and less than ``high`` days (``low-high``, or ``low-``):
    a record overdue since an instant before ``now - low days`` is ``overdue_q(now - low
    days)``, one rule with the overdue figure and the age of overdue records chart."""
    low, dash, high = span.partition("-")
    if not (dash and low.isdigit() and len(low) <= 5 and (not high or (high.isdigit() and len(high) <= 5))):
        errors["overdue_days"] = _("Write the days overdue as 8-30, or 365- for a year or more.")
        return q, errors
    moment = now or timezone.now()
    q &= overdue_q(moment - datetime.timedelta(days=int(low)))
    if high:
        q &= ~overdue_q(moment - datetime.timedelta(days=int(high)))
    return q, errors
