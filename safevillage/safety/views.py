"""Pages of the safety classification: a commune's or village's classification for a period
and framework, each criterion with its verdict, evidence, thresholds and links to the
records; a district's or province's (or the country's) communes in one list.

Scoped like the reports (``reports.view`` at the place): a place outside the reader's
jurisdiction is the same 404 as a place that does not exist; a bad period is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import can, prefix_filter
from safevillage.core.periods import Period, PeriodError
from safevillage.places.areas import COUNTRY, BadRequest, area_or_404
from safevillage.places.models import Level, Place
from safevillage.policy.models import FrameworkVersion
from safevillage.safety import explain
from safevillage.safety.classify import NoThresholds, classify, classify_place, framework_in_force, history
from safevillage.safety.models import Overall, SafetyDecision, Verdict

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


@dataclass
class Target:
    place: Place | None  # None: the whole country
    period: Period
    framework: FrameworkVersion

    @property
    def code(self) -> str:
        return self.place.code if self.place is not None else ""

    @property
    def slug(self) -> str:
        return self.code or COUNTRY


def resolve(user: AnyUser, place: str, period: str, framework: str | None) -> Target:
    """Http404 for a place missing or outside the reader's jurisdiction; BadRequest for a bad
    period or framework."""
    found = area_or_404(user, place, "reports.view")
    try:
        parsed = Period.parse(period)
    except PeriodError as error:
        raise BadRequest(str(error)) from None
    if framework:
        chosen = FrameworkVersion.objects.filter(code=framework).first()
        if chosen is None:
            codes = ", ".join(FrameworkVersion.objects.values_list("code", flat=True))
            raise BadRequest(_framework_message(codes))
    else:
        chosen = framework_in_force(parsed)
        if chosen is None:
            raise BadRequest(_framework_message(""))
    return Target(found, parsed, chosen)


def _framework_message(codes: str) -> str:
    return _("There is no such framework. Choose one of: %(codes)s.") % {"codes": codes}


def present(decision: SafetyDecision) -> list[dict[str, Any]]:
    names = explain.criterion_names(decision)
    return [
        {
            "number": item["number"],
            "name": names[item["number"]].name if item["number"] in names else "",
            "verdict": item["verdict"],
            "verdict_label": explain.VERDICT_LABELS[item["verdict"]],
            "explanation": explain.explanation(decision, item),
            "evidence": item["evidence"],
            "allowed": item["allowed"],
            "links": explain.links(decision, item),
        }
        for item in decision.criteria
    ]


def _bad(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/bad_period.html", {"message": message}, status=400)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Pick a place, period and framework; go to its classification."""
    place, period = request.GET.get("place", "").strip(), request.GET.get("period", "").strip()
    error = ""
    if place or period:
        try:
            parsed = Period.parse(period)
            url = reverse("safety:detail", args=[place or COUNTRY, parsed.id])
            framework = request.GET.get("framework", "")
            return HttpResponseRedirect(f"{url}?framework={framework}" if framework else url)
        except PeriodError as problem:
            error = str(problem)
    places = (
        Place.objects.filter(prefix_filter(request.user, "reports.view", "code"))
        .filter(level__lte=Level.COMMUNE)
        .order_by("level", "code")[:400]
    )
    return render(
        request,
        "safety/index.html",
        {
            "places": places,
            "national": can(request.user, "reports.view", ""),
            "frameworks": FrameworkVersion.objects.order_by("-effective_from"),
            "error": error,
            "params": {"place": place, "period": period or Period.containing(timezone.now()).previous().id},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, place: str, period: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period, request.GET.get("framework"))
    except BadRequest as problem:
        return _bad(request, problem.message)
    try:
        if target.place is not None and target.place.level in (Level.COMMUNE, Level.VILLAGE):
            return _place_page(request, target)
        return _list_page(request, target)
    except NoThresholds:
        return _bad(request, _no_thresholds())


def _no_thresholds() -> str:
    return _("No thresholds apply to this period yet.")


def _common(target: Target) -> dict[str, Any]:
    return {
        "target": target,
        "frameworks": FrameworkVersion.objects.order_by("-effective_from"),
        "overall_labels": dict(Overall.choices),
    }


def _place_page(request: HttpRequest, target: Target) -> HttpResponse:
    assert target.place is not None  # noqa: S101  # nosec B101 - checked by the caller
    decision = classify_place(target.code, target.place.level, target.period, target.framework, by=request.user)
    if decision is None:  # an archived place, not current at the period's end
        raise Http404
    parent_code = target.code[:-2]
    context = {
        **_common(target),
        "decision": decision,
        "items": present(decision),
        "thresholds_text": explain.thresholds_text(decision.inputs["thresholds"]),
        "history": [d for d in history(target.code, target.period, target.framework) if d.pk != decision.pk],
        "parent_slug": parent_code if can(request.user, "reports.view", parent_code) else "",
        "villages": (
            Place.objects.current(on=target.period.end).filter(parent=target.place).order_by("code")
            if target.place.level == Level.COMMUNE
            else []
        ),
        "verdicts": Verdict,
    }
    return render(request, "safety/place.html", context)


def _list_page(request: HttpRequest, target: Target) -> HttpResponse:
    run = classify(target.code, target.period, target.framework, Level.COMMUNE, by=request.user)
    # A count links to the communes it counts: ?overall=safe lists only those (counts stay whole).
    overall = request.GET.get("overall", "")
    names = {
        code: (km, latin)
        for code, km, latin in Place.objects.filter(code__in=list(run.decisions)).values_list(
            "code", "name_km", "name_latin"
        )
    }
    rows = [
        {
            "code": code,
            "name_km": names.get(code, ("", ""))[0],
            "name_latin": names.get(code, ("", ""))[1],
            "decision": decision,
            "overall_label": dict(Overall.choices)[decision.overall],
            "verdicts": [
                (item["number"], item["verdict"], explain.VERDICT_LABELS[item["verdict"]]) for item in decision.criteria
            ],
        }
        for code, decision in sorted(run.decisions.items())
        if overall not in Overall.values or decision.overall == overall
    ]
    context = {
        **_common(target),
        "rows": rows,
        "overall": overall if overall in Overall.values else "",
        "counts": [(dict(Overall.choices)[key], run.overall.get(key, 0), key) for key in Overall.values],
        "numbers": list(target.framework.criteria.order_by("number").values_list("number", flat=True)),
    }
    return render(request, "safety/list.html", context)
