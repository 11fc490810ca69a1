"""Pages of the competition ranking: the communes of a district, a province or the country
(``?level=commune``, the default), or the officers of a district or a commune
(``?level=officer``), for a period; each rank with its interval, each figure with a link to
the records behind it, and the funnel plot of the offence rates with a table equivalent.

Scoped like the reports (``reports.view`` at the area): an area outside the reader's
jurisdiction is the same 404 as one that does not exist; a bad period or a level that does
not fit the area is a 400 that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import can, prefix_filter
from safevillage.core.period_picker import PeriodField, render_picker, reporting_period
from safevillage.core.periods import Period, PeriodError
from safevillage.places.areas import COUNTRY, BadRequest, area_or_404
from safevillage.places.models import Level, Place
from safevillage.ranking import present
from safevillage.ranking.compute import NoWeights, compute
from safevillage.ranking.models import RankingLevel, RankingResult

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

PERMISSION = "reports.view"


@dataclass
class Target:
    area: Place | None  # None: the whole country
    period: Period
    level: str

    @property
    def code(self) -> str:
        return self.area.code if self.area is not None else ""

    @property
    def slug(self) -> str:
        return self.code or COUNTRY


def resolve(user: AnyUser, place: str, period: str, level: str) -> Target:
    """Http404 for an area missing or outside the reader's jurisdiction; BadRequest for a bad
    period, an unknown level, or a level that does not fit the area."""
    area = area_or_404(user, place, PERMISSION, deepest=Level.COMMUNE)
    try:
        parsed = Period.parse(period)
    except PeriodError as error:
        raise BadRequest(str(error)) from None
    level = level or RankingLevel.COMMUNE
    if level not in RankingLevel.values:
        raise BadRequest(_("Choose the communes or the officers (level=commune or level=officer)."))
    if level == RankingLevel.COMMUNE and area is not None and area.level > Level.DISTRICT:
        raise BadRequest(_("Communes are ranked within a district, a province or the whole country."))
    if level == RankingLevel.OFFICER and (area is None or area.level < Level.DISTRICT):
        raise BadRequest(_("Officers are ranked within a district or a commune."))
    return Target(area, parsed, level)


def ranking_for(target: Target, by: Any = None) -> RankingResult:
    """The stored ranking, recomputed (and stored again only if it changed). Raises NoWeights."""
    return compute(target.code, target.period, target.level, by=by).result


def _bad(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/bad_period.html", {"message": message}, status=400)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Pick an area, a period and what to rank; go to the ranking."""
    place, period = request.GET.get("place", "").strip(), request.GET.get("period", "").strip()
    level = request.GET.get("level", "").strip()
    error = ""
    if place or period:
        try:
            parsed = PeriodField().clean(period)
            url = reverse("ranking:detail", args=[place or COUNTRY, parsed.id])
            return HttpResponseRedirect(f"{url}?level={level}" if level in RankingLevel.values else url)
        except ValidationError as problem:
            error = problem.messages[0]
    places = (
        Place.objects.filter(prefix_filter(request.user, PERMISSION, "code"))
        .filter(level__lte=Level.COMMUNE)
        .order_by("level", "code")[:400]
    )
    return render(
        request,
        "ranking/index.html",
        {
            "places": places,
            "national": can(request.user, PERMISSION, ""),
            "error": error,
            "params": {"place": place, "level": level},
            "levels": RankingLevel.choices,
            "period_picker": render_picker("period", period or reporting_period(), invalid=bool(error)),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, place: str, period: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period, request.GET.get("level", "").strip())
    except BadRequest as problem:
        return _bad(request, problem.message)
    try:
        result = ranking_for(target, request.user)
    except NoWeights:
        return _bad(request, _("No indicator weights apply to this period yet."))
    context: dict[str, Any] = {
        "target": target,
        "result": result,
        "weights": present.weights(result.inputs["weights"], target.level),
        "parent_slug": _parent_slug(request.user, target),
        "levels": RankingLevel.choices,
    }
    if target.level == RankingLevel.COMMUNE:
        context["rows"] = present.commune_rows(result, target.period)
        context["funnel"] = present.funnel_chart(result)
        return render(request, "ranking/communes.html", context)
    context["rows"] = present.officer_rows(result)
    return render(request, "ranking/officers.html", context)


def _parent_slug(user: AnyUser, target: Target) -> str:
    if target.area is None:
        return ""
    parent = target.code[:-2]
    return (parent or COUNTRY) if can(user, PERMISSION, parent) else ""
