"""The public transparency portal: one page per place and period, with its CSV and JSON.

No login and nothing personal: every figure comes from the period's publication
(``publication.py``), where counts from 1 to 4 are hidden and the others rounded to 5. The
pages are the same for everyone, so that a cache in front of the servers can carry a
national audience: they read no session and set no cookie (``middleware.py``), the language
comes from the address (``?lang=en``; Khmer without it), and every answer carries an ETag, a
Last-Modified and ``Cache-Control: public, max-age``; a repeated request with the ETag gets
a 304 without the page being drawn again.

Stable addresses: ``/open/<place>/<period>/``, ``.csv`` and ``.json`` beside it, where
``<place>`` is a province, district or commune code or ``KH`` for the country and
``<period>`` a DHIS2 period (``2026``, ``2026S1``, ``2026Q1``, ``202601``). A place or period
that does not exist is a 404.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from safevillage.charts.render import render_chart
from safevillage.core.period_picker import reporting_period
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.maps.render import Choropleth, choropleth
from safevillage.places.models import LEVEL_BY_LENGTH, Place
from safevillage.portal import dictionary, safety, trend
from safevillage.portal.publication import PlaceFigures, Publication, publication

COUNTRY = "KH"
DEFAULT_MAX_AGE = 300
# Part of every ETag: bumped when the pages or downloads change shape for the same figures.
LAYOUT = "2"
LEVELS = {0: "country", 2: "province", 4: "district", 6: "commune"}


def _max_age() -> int:
    return int(getattr(settings, "PORTAL_MAX_AGE", DEFAULT_MAX_AGE))


def public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``Cache-Control: public, max-age`` on the answer, the 304s included (without it the
    security middleware would make them ``no-store``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=_max_age())
        return response

    return wrapped


@dataclass(frozen=True)
class Target:
    code: str  # "" for the country
    period: Period
    publication: Publication

    @property
    def slug(self) -> str:
        return self.code or COUNTRY


def _target(request: HttpRequest, place: str, period: str) -> Target:
    """The place and period asked for, read once per request (the ETag, the Last-Modified and
    the page all need it)."""
    memo = getattr(request, "_portal_target", None)
    if isinstance(memo, Target):
        return memo
    target = _find(place, period)
    request._portal_target = target  # type: ignore[attr-defined]
    return target


def _find(place: str, period: str) -> Target:
    try:
        parsed = Period.parse(period)
    except PeriodError:
        raise Http404 from None
    code = "" if place == COUNTRY else place
    if code and len(code) not in (2, 4, 6):
        raise Http404
    found = publication(parsed)
    if code not in found.places:
        raise Http404
    return Target(code, parsed, found)


def _shown(request: HttpRequest, place: str, period: str, kind: str) -> list[Publication]:
    """The publications a page or download shows: its period's, and on a page the trend's
    periods' too (the last of them is the page's own), so that its ETag and Last-Modified
    change when any figure on it does."""
    target = _target(request, place, period)
    if kind != "html":
        return [target.publication]
    memo = getattr(request, "_portal_history", None)
    if memo is None:
        memo = request._portal_history = trend.history(target.period)  # type: ignore[attr-defined]
    return list(memo)


def _etag(request: HttpRequest, place: str, period: str, kind: str = "html") -> str | None:
    try:
        shown = _shown(request, place, period, kind)
    except Http404:
        return None
    digests = ":".join(pub.digest for pub in shown)
    raw = f"{LAYOUT}:{digests}:{place}:{get_language()}:{kind}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _last_modified(request: HttpRequest, place: str, period: str, kind: str = "html") -> Any:
    try:
        return max(pub.changed_at for pub in _shown(request, place, period, kind))
    except Http404:
        return None


def _names(codes: list[str]) -> dict[str, dict[str, str]]:
    rows = Place.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name_km", "name_latin")
    names = {code: {"km": km, "en": latin} for code, km, latin in rows}
    names[""] = {"km": "ព្រះរាជាណាចក្រកម្ពុជា", "en": "Kingdom of Cambodia"}
    return names


def _display(value: int | None, percent: bool = False) -> str:
    if value is None:
        return _("hidden")
    text = number_format(value, force_grouping=True)
    return f"{text}%" if percent else text


def _row(figures: PlaceFigures, names: dict[str, dict[str, str]], period: Period) -> dict[str, Any]:
    language = "en" if (get_language() or "km").startswith("en") else "km"
    name = names.get(figures.code, {"km": figures.code, "en": figures.code})
    return {
        "code": figures.code,
        "slug": figures.code or COUNTRY,
        "name": name[language],
        "names": name,
        "level": LEVELS[len(figures.code)],
        "counts": figures.counts,
        "shown": {k: _display(v) for k, v in figures.counts.items()},
        "shares": {k: _display(v, percent=True) if v is not None else "" for k, v in figures.shares.items()},
        "forums": number_format(figures.forums, force_grouping=True),
        "safety": figures.safety,
        "safety_label": str(safety.OVERALL_LABELS.get(figures.safety, "")) if figures.safety else "",
        "tally": {
            str(safety.OVERALL_LABELS[k]): number_format(v, force_grouping=True)
            for k, v in sorted(figures.safety_tally.items())
        },
    }


def _language(request: HttpRequest) -> str:
    return "en" if (get_language() or "km").startswith("en") else "km"


def _language_query(request: HttpRequest, language: str | None = None) -> str:
    """The query that keeps (or, given ``language``, sets) the page's language in a link."""
    language = language or _language(request)
    return "" if language == settings.LANGUAGE_CODE else f"?lang={language}"


def _switch(request: HttpRequest, path: str) -> str:
    return path + _language_query(request, "km" if _language(request) == "en" else "en")


def _period_links(target: Target, query: str) -> list[dict[str, str]]:
    period = target.period
    links = [("previous", _("Previous period"), period.previous()), ("next", _("Next period"), period.next())]
    for kind, label in (
        (PeriodKind.YEAR, _("Year")),
        (PeriodKind.QUARTER, _("Quarter")),
        (PeriodKind.MONTH, _("Month")),
    ):
        if kind != period.kind:
            links.append((kind, label, Period.from_month(period.first_month, kind)))
    return [
        {
            "rel": rel,
            "label": label,
            "url": reverse("portal:place", args=[target.slug, p.id]) + query,
            "period": p.label,
        }
        for rel, label, p in links
    ]


def _map(target: Target, query: str) -> Choropleth:
    """The places under this one (a commune: its district's communes) coloured by the records
    reported, as published: a hidden figure is drawn as "no data", never guessed. A place
    leads to its own portal page, never to the records behind it."""
    pub = target.publication
    parent = target.code if target.code in pub.children else target.code[:-2]
    level = LEVEL_BY_LENGTH[len(parent) + 2]
    values = {kid: pub.places[kid].counts["reported"] for kid in pub.children.get(parent, [])}
    return choropleth(
        parent,
        level,
        values,
        link_for=lambda code: reverse("portal:place", args=[code, target.period.id]) + query,
        display=lambda value: number_format(value, force_grouping=True),
        title=_("Reported in the period, by place"),
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The country's page for the last quarter that has ended."""
    period = reporting_period(PeriodKind.QUARTER)
    return HttpResponseRedirect(reverse("portal:place", args=[COUNTRY, period.id]) + _language_query(request))


@require_safe
@public_cache
@condition(etag_func=_etag, last_modified_func=_last_modified)
def place_page(request: HttpRequest, place: str, period: str) -> HttpResponse:
    target = _target(request, place, period)
    pub = target.publication
    kids = pub.children.get(target.code, [])
    ancestors = [target.code[:n] for n in range(2, len(target.code), 2)]
    names = _names([target.code, *kids, *ancestors])
    query = _language_query(request)
    language = _language(request)
    here = reverse("portal:place", args=[target.slug, target.period.id])
    row = _row(pub.places[target.code], names, target.period)
    context = {
        "target": target,
        "period": target.period,
        "row": row,
        "children": [_row(pub.places[k], names, target.period) for k in kids],
        "child_level": LEVELS.get(len(target.code) + 2, ""),
        "breadcrumbs": [
            {"name": names[""][language], "url": reverse("portal:place", args=[COUNTRY, target.period.id]) + query},
            *[
                {
                    "name": names.get(a, {"km": a, "en": a})[language],
                    "url": reverse("portal:place", args=[a, target.period.id]) + query,
                }
                for a in ancestors
            ],
        ]
        if target.code
        else [],
        "classification": safety.classification(target.code, target.period.id, pub.framework)
        if len(target.code) == 6 and pub.framework
        else None,
        "query": query,
        "map": _map(target, query),
        "trend": [
            render_chart(chart)
            for chart in trend.trend_charts(
                target.code,
                _shown(request, place, period, "html"),
                lambda p: reverse("portal:place", args=[target.slug, p.id]) + query,
            )
        ],
        "switch_language": _switch(request, here),
        "csv_url": reverse("portal:place_csv", args=[target.slug, target.period.id]),
        "json_url": reverse("portal:place_json", args=[target.slug, target.period.id]),
        "dictionary_url": reverse("portal:dictionary") + query,
        "period_links": _period_links(target, query),
        "computed_at": pub.computed_at,
        "has_ended": target.period.has_ended(),
        "licence_name": dictionary.LICENCE_NAME,
        "licence_url": dictionary.LICENCE_URL,
    }
    return render(request, "portal/place.html", context)


def _records(target: Target) -> list[dict[str, Any]]:
    """The place and its children, one flat record each, keyed as the data dictionary says."""
    pub = target.publication
    codes = [target.code, *pub.children.get(target.code, [])]
    names = _names(codes)
    out = []
    for code in codes:
        figures = pub.places[code]
        name = names.get(code, {"km": "", "en": ""})
        record: dict[str, Any] = {
            "place_code": code,
            "place_name_km": name["km"],
            "place_name_en": name["en"],
            "level": LEVELS[len(code)],
            "period": target.period.id,
        }
        record.update(figures.counts)
        record.update(figures.shares)
        record["forums"] = figures.forums
        record["safety"] = figures.safety
        out.append({f.code: record.get(f.code) for f in dictionary.FIELDS})
    return out


def _download_headers(response: HttpResponse, target: Target, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="safevillage-{target.slug}-{target.period.id}.{extension}"'
    return response


@require_safe
@public_cache
@condition(
    etag_func=lambda request, place, period: _etag(request, place, period, "csv"),
    last_modified_func=lambda request, place, period: _last_modified(request, place, period, "csv"),
)
def place_csv(request: HttpRequest, place: str, period: str) -> HttpResponse:
    """The same aggregates as the page; a hidden count is an empty cell."""
    target = _target(request, place, period)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.code for f in dictionary.FIELDS])
    for record in _records(target):
        writer.writerow(["" if v is None else v for v in record.values()])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _download_headers(response, target, "csv")


@require_safe
@public_cache
@condition(
    etag_func=lambda request, place, period: _etag(request, place, period, "json"),
    last_modified_func=lambda request, place, period: _last_modified(request, place, period, "json"),
)
def place_json(request: HttpRequest, place: str, period: str) -> HttpResponse:
    """The same aggregates as the page; a hidden count is ``null``."""
    target = _target(request, place, period)
    body = {
        "period": target.period.id,
        "place": target.code,
        "published_at": http_date(target.publication.changed_at.timestamp()),
        "licence": {"name": dictionary.LICENCE_NAME, "url": dictionary.LICENCE_URL},
        "dictionary": request.build_absolute_uri(reverse("portal:dictionary")),
        "disclosure": "Counts from 1 to 4 are hidden (null) and the others rounded to 5; "
        "more counts are hidden where a hidden one could be worked out from the sums.",
        "records": _records(target),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return _download_headers(response, target, "json")


@require_safe
@public_cache
@condition(etag_func=lambda request: hashlib.sha256(f"{LAYOUT}:dictionary:{get_language()}".encode()).hexdigest()[:32])
def data_dictionary(request: HttpRequest) -> HttpResponse:
    query = _language_query(request)
    here = reverse("portal:dictionary")
    context = {
        "fields": dictionary.FIELDS,
        "licence_name": dictionary.LICENCE_NAME,
        "licence_url": dictionary.LICENCE_URL,
        "query": query,
        "switch_language": _switch(request, here),
        "home_url": reverse("portal:index") + query,
        "example_csv": reverse("portal:place_csv", args=[COUNTRY, reporting_period(PeriodKind.QUARTER).id]),
        "example_json": reverse("portal:place_json", args=[COUNTRY, reporting_period(PeriodKind.QUARTER).id]),
    }
    return render(request, "portal/dictionary.html", context)
