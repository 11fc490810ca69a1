"""The officers' maps: ``/maps/<place>/<period>/?indicator=…`` colours the children of a
place (the provinces of ``KH``, a province's districts, a district's communes) or, for a
commune, the commune itself, by one indicator read from the summaries.

Scoped like the reports (``reports.view`` at the place, ``places.areas.area_or_404``): a
place outside the reader's jurisdiction is the same 404 as a place that does not exist, so a
commune officer's map is their commune and its "up" link is not offered. A place leads one
level down; a commune to the records behind its figure (the register list filtered by
place, period and indicator, ``reports/trace.py``), or to its safety classification.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import can
from safevillage.core.period_picker import render_picker, reporting_period
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.maps import measures
from safevillage.maps.render import Category, choropleth
from safevillage.places.areas import COUNTRY, area_or_404, home_area
from safevillage.places.models import Level, Place
from safevillage.reports.trace import trace_url

PERMISSION = "reports.view"


def _indicator(request: HttpRequest) -> measures.MapIndicator:
    code = request.GET.get("indicator", "").strip() or measures.DEFAULT
    return measures.BY_CODE.get(code) or measures.BY_CODE[measures.DEFAULT]


def map_url(place: str, period: Period | str, indicator: str) -> str:
    period_id = period.id if isinstance(period, Period) else period
    url = reverse("maps:detail", args=[place or COUNTRY, period_id])
    return f"{url}?{urlencode({'indicator': indicator})}"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The reader's own map: the country, or the first of their areas, for the last quarter."""
    place = request.GET.get("place", "").strip() or home_area(request.user, PERMISSION)
    return _redirect(request, place)


@login_required
@require_GET
def area(request: HttpRequest, place: str) -> HttpResponse:
    """Where the choice form lands: the same map, for the period and indicator chosen."""
    area_or_404(request.user, place, PERMISSION, deepest=Level.COMMUNE)
    return _redirect(request, place)


def _redirect(request: HttpRequest, place: str) -> HttpResponse:
    period = request.GET.get("period", "").strip() or reporting_period(PeriodKind.QUARTER).id
    return HttpResponseRedirect(map_url("" if place == COUNTRY else place, period, _indicator(request).code))


def _bad_period(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "maps/bad_period.html", {"message": message}, status=400)


@login_required
@require_GET
def detail(request: HttpRequest, place: str, period: str) -> HttpResponse:
    area = area_or_404(request.user, place, PERMISSION, deepest=Level.COMMUNE)
    try:
        parsed = Period.parse(period)
    except PeriodError as error:
        return _bad_period(request, str(error))
    indicator = _indicator(request)
    if indicator.code == "safety" and not measures.has_safety_decisions():
        raise Http404
    parent_code = area.code if area is not None else ""
    level = Level.PROVINCE if area is None else Level(min(area.level + 1, Level.COMMUNE))
    values = indicator.compute(parent_code, level, parsed, timezone.now())
    categorical = indicator.categorical and level == Level.COMMUNE

    def records(code: str) -> str | None:
        """The records behind a place's figure, or its classification."""
        if indicator.trace is None:
            return reverse("safety:detail", args=[code, parsed.id]) if categorical else None
        return trace_url({"place": code, "period": parsed.id, **indicator.trace})

    def link_for(code: str) -> str | None:
        # Down a level while there is one; a commune's own map leads to its records.
        if area is not None and area.level == Level.COMMUNE:
            return records(code)
        return map_url(code, parsed, indicator.code)

    drawn = choropleth(
        parent_code,
        level,
        values,
        link_for=link_for,
        display=indicator.display,
        categories=_safety_categories() if categorical else None,
        title=_map_title(indicator, area, parsed, categorical),
        figure_link_for=records,
    )
    return render(
        request,
        "maps/map.html",
        {
            "area": area,
            "period": parsed,
            "indicator": indicator,
            "indicators": [i for i in measures.INDICATORS if i.code != "safety" or measures.has_safety_decisions()],
            "map": drawn,
            "trail": _trail(request, area, parsed, indicator.code),
            "level_label": Level(level).label,
            "slug": area.code if area is not None else COUNTRY,
            "period_picker": render_picker("period", parsed),
            "share_of_safe": indicator.code == "safety" and not categorical,
        },
    )


def _map_title(indicator: measures.MapIndicator, area: Place | None, period: Period, categorical: bool) -> str:
    label = str(indicator.label)
    if indicator.code == "safety" and not categorical:
        label = _("Communes classified safe (share of those classified)")
    return f"{label} · {_place_name(area)} · {period.label}"


def _place_name(area: Place | None) -> str:
    if area is None:
        return _("Cambodia")
    return area.name_latin if (get_language() or "km").startswith("en") else area.name_km


def _safety_categories() -> list[Category]:
    from safevillage.safety.models import Overall

    return [
        Category(Overall.SAFE, str(Overall.SAFE.label), "k-safe"),
        Category(Overall.NOT_SAFE, str(Overall.NOT_SAFE.label), "k-not-safe"),
        Category(Overall.INSUFFICIENT, str(Overall.INSUFFICIENT.label), "k-insufficient"),
    ]


def _trail(request: HttpRequest, area: Place | None, period: Period, indicator: str) -> list[dict[str, Any]]:
    """The maps above this one that the reader may open: never above their jurisdiction."""
    if area is None:
        return []
    trail = []
    if can(request.user, PERMISSION, ""):
        trail.append({"label": _("Cambodia"), "url": map_url("", period, indicator)})
    codes = area.ancestor_codes()
    names = {p.code: p for p in Place.objects.filter(code__in=codes)}
    for code in codes:
        if code in names and can(request.user, PERMISSION, code):
            trail.append({"label": _place_name(names[code]), "url": map_url(code, period, indicator)})
    return trail
