"""Pages of the integrity flags: the list, filtered by place, period, rule and status (the
filters stay in the URL), and a flag's page with the rule's explanation, the evidence, the
drill-down and the review form. Scoped by ``integrity.view`` at the flag's place: a flag
outside the reader's jurisdiction is the same 404 as one that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safevillage.accounts.scoping import access_or_404, can
from safevillage.core.periods import Period, PeriodError
from safevillage.integrity import present
from safevillage.integrity.actions import REVIEW, ReviewError, review
from safevillage.integrity.catalogue import RULES
from safevillage.integrity.models import Flag, FlagStatus
from safevillage.places.codes import under

PAGE_SIZE = 50


def flags_for(user: object, params: dict[str, str]) -> tuple[object, dict[str, str]]:
    """The reader's flags filtered by the parameters (place prefix, period, rule, status);
    returns the queryset and the errors by parameter."""
    flags = Flag.objects.visible_to(user)  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    place = params.get("place", "").strip()
    if place:
        if not place.isdigit() or len(place) not in (2, 4, 6, 8):
            errors["place"] = "place"
        else:
            flags = flags.filter(under("place_code", place))
    period = params.get("period", "").strip()
    if period:
        try:  # a year lists its quarters' and months' flags too
            flags = flags.filter(period_id__in=[inner.id for inner in Period.parse(period).within()])
        except PeriodError as problem:
            errors["period"] = str(problem)
    if rule := params.get("rule", "").strip():
        flags = flags.filter(rule=rule)
    if status := params.get("status", "").strip():
        flags = flags.filter(status=status)
    return flags, errors


@login_required
@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "integrity.view"):
        raise Http404
    params = {key: request.GET.get(key, "").strip() for key in ("place", "period", "rule", "status")}
    flags, errors = flags_for(request.user, params)
    page = Paginator(flags.order_by("-last_found_at", "place_code", "rule"), PAGE_SIZE).get_page(  # type: ignore[attr-defined]
        request.GET.get("page")
    )
    rules = {rule.code: rule for rule in RULES}
    return render(
        request,
        "integrity/list.html",
        {
            "page": page,
            "rows": [(flag, rules[flag.rule]) for flag in page.object_list],
            "rules": RULES,
            "statuses": FlagStatus.choices,
            "params": params,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = access_or_404(Flag.objects.visible_to(request.user).select_related("place", "reviewed_by"), pk=pk)
    may_review = can(request.user, REVIEW, flag.place_code)
    error: ReviewError | None = None
    if request.method == "POST":
        if not may_review:
            return render(request, "integrity/forbidden.html", status=403)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            review(
                flag,
                by=request.user,
                status=request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                version=version,
            )
        except ReviewError as problem:
            error = problem
        else:
            return HttpResponseRedirect(reverse("integrity:detail", args=[flag.pk]))
    rule = present.rule_of(flag)
    return render(
        request,
        "integrity/detail.html",
        {
            "flag": flag,
            "rule": rule,
            "evidence": present.evidence_items(flag),
            "register_link": present.register_link(flag),
            "records": present.record_links(flag, request.user),
            "may_review": may_review,
            "statuses": [(value, label) for value, label in FlagStatus.choices if value != flag.status],
            "error": error,
            "posted": request.POST if error else {},
        },
        status=error.status_code if error else 200,
    )
