"""The register as officers read it: the filtered list and the overdue records (its exports
are written by the worker: safevillage/exports). Every query starts from the user's
jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import can, prefix_filter, prefixes
from safevillage.core.paging import CursorError, KeysetPage, KeysetPages
from safevillage.incidents.deadlines import (
    classify,
    next_deadline,
    overdue_by_commune,
    overdue_records,
    reads_overdue,
)
from safevillage.incidents.filters import FILTER_PARAMS, MAX_QUERY_LENGTH, filter_incidents
from safevillage.incidents.models import Channel, Incident, Status
from safevillage.incidents.views.register_phone import phone_context
from safevillage.places.codes import under
from safevillage.places.models import Place
from safevillage.policy.models import Category
from safevillage.reports.drill_counts import known_count

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

# Twenty-five records a page: on a phone the register is a column of cards, and a page of
# fifty was twice the scrolling and the bytes over mobile data, and the server spends most of
# a page's time converting and rendering its rows, not finding them. ``page_size`` in the URL
# still asks for more, up to MAX_PAGE_SIZE.
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
# The columns a register row shows (incidents/_rows.html) and its deadlines read
# (deadlines.classify, next_deadline). The record's other columns, its description and notes
# among them, are not read for a list: converting them was a fifth of a page's time.
ROW_FIELDS = (
    "reference",
    "version",
    "channel",
    "status",
    "place_code",
    "occurred_at",
    "reported_at",
    "escalated_to_level",
    "assigned_to_id",
    "acknowledged_at",
    "first_action_at",
    "acknowledge_due_at",
    "action_due_at",
    "close_due_at",
    "category__name_km",
    "category__name_en",
    "village__name_km",
    "village__name_latin",
)
SORTABLE = (("reported", "reported_at"), ("occurred", "occurred_at"), ("status", "status"))


def place_choices(user: AnyUser, selected: str = "") -> list[Place]:
    """The places offered in the place filter: the user's own places and the level just
    under them (a district officer gets the district and its communes; the national
    secretariat the provinces), plus the place in the URL if it is another one."""
    allowed = prefixes(user, "incidents.view")
    if not allowed:
        return []
    if "" in allowed:
        match = Q(level=1)
    else:
        match = Q(code__in=allowed)
        for prefix in allowed:
            match |= under("code", prefix) & Q(level=len(prefix) // 2 + 1)
    if selected:
        match |= Q(code=selected) & prefix_filter(user, "incidents.view", "code")
    return list(Place.objects.filter(match).order_by("code"))


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _query(params: dict[str, str], **changes: str) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "incidents.view"):
        raise Http404
    now = timezone.now()
    result = filter_incidents(Incident.objects.visible_to(request.user), request.GET, now, user=request.user)
    page_size = _page_size(request.GET.get("page_size"))
    # What the form shows and every link keeps: the filters, the sort and the page size.
    params = {key: request.GET.get(key, "").strip()[: MAX_QUERY_LENGTH * 2] for key in FILTER_PARAMS}
    kept = {**params, "sort": result.sort, "page_size": str(page_size) if page_size != PAGE_SIZE else ""}
    pages = KeysetPages(
        result.queryset.select_related("category", "village").only(*ROW_FIELDS),
        result.keys,
        result.descending,
        result.walk_index,
        known_count=known_count(request.user, request.GET, result.errors),
    )
    page = _keyset_page(pages, request, page_size)
    if page is None:
        # An old numbered link too deep to serve by its offset: the list's first page.
        return redirect(request.path + _query(kept))
    columns = []
    for key, label in (("reported", _("Reported")), ("occurred", _("Occurred")), ("status", _("Status"))):
        current = result.sort.lstrip("-") == key
        descending = result.sort.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "url": _query(kept, sort=key if current and descending else f"-{key}"),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    context: dict[str, Any] = {
        "page": page,
        "count_limit": number_format(page.count_limit, force_grouping=True),
        "first_url": _query(kept) if page.previous or request.GET.get("cursor") else "",
        "previous_url": _query(kept, cursor=page.previous.token()) if page.previous else "",
        "next_url": _query(kept, cursor=page.next.token()) if page.next else "",
        "rows": [(incident, classify(incident, now), next_deadline(incident)) for incident in page.rows],
        "errors": result.errors,
        "params": params,
        "filtered": any(params.values()),
        "columns": columns,
        "export_query": _query({**params, "sort": result.sort}),
        "places": place_choices(request.user, params["place"] if "place" not in result.errors else ""),
        "categories": Category.objects.all(),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "page_size": page_size,
        "max_query_length": MAX_QUERY_LENGTH,
        "can_see_overdue": reads_overdue(request.user),
        **phone_context(request, params, result.errors),
    }
    if getattr(request, "htmx", False):
        # htmx does not swap a 4xx response: the partial carries the errors with a 200.
        return render(request, "incidents/_rows.html", context)
    return render(request, "incidents/list.html", context, status=400 if result.errors else 200)


def _keyset_page(pages: KeysetPages[Incident], request: HttpRequest, size: int) -> KeysetPage[Incident] | None:
    """The page a link asks for: after or before its cursor; an old numbered link's page by
    its offset (None when too deep); else the first page. A cursor this list did not write
    (edited, or of another sort) gives the first page too."""
    if token := request.GET.get("cursor", "").strip():
        try:
            return pages.page(size, pages.cursor(token))
        except CursorError:
            return pages.page(size)
    number = request.GET.get("page", "").strip()
    if number.isascii() and number.isdigit() and 1 < int(number) < 10**9:
        return pages.numbered(size, int(number))
    return pages.page(size)


@login_required
@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    """The overdue records the reader sees, by commune: the register's "overdue only"
    selection, for supervisors and the commune police (``deadlines.reads_overdue``)."""
    if not reads_overdue(request.user):
        raise Http404
    now = timezone.now()
    place = request.GET.get("place", "").strip()[:8]
    result = filter_incidents(overdue_records(request.user, now), {"place": place, "overdue": "1"}, now)
    counts = overdue_by_commune(result.queryset, now)
    communes = Place.objects.in_bulk(list(counts), field_name="code")
    incidents = result.queryset.select_related("category", "village").order_by("place_code", "reported_at", "id")
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(incident, classify(incident, now)) for incident in page.object_list],
        "by_commune": [(code, communes.get(code), n) for code, n in counts.items()],
        "total": sum(counts.values()),
        "errors": result.errors,
        "place": place,
        "places": place_choices(request.user, place if not result.errors else ""),
        "page_query": _query({"place": place}, page=""),
    }
    return render(request, "incidents/overdue.html", context, status=400 if result.errors else 200)
