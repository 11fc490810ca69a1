"""Pages of the pilots: the pilots the reader may see, marking one, and a pilot's evaluation
with its comparison places and each place's figures by quarter, linked to the register.

Scoped like the reports, over the pilot's whole province (``models``): a pilot outside the
reader's jurisdiction is the same 404 as one that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safevillage.accounts.scoping import access_or_404, can
from safevillage.pilots import actions, explain
from safevillage.pilots.evaluation import OUTCOME_LABELS, Outcome, Status, by_quarter, evaluate
from safevillage.pilots.forms import PilotForm
from safevillage.pilots.models import Pilot

VIEW = "pilots.view"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    pilots = Pilot.objects.visible_to(request.user).prefetch_related("places__place")[:200]
    return render(request, "pilots/index.html", {"pilots": pilots, "may_manage": can(request.user, actions.MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, actions.MANAGE):
        raise Http404
    form = PilotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pilot = actions.create_pilot(
                by=request.user,
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                places=form.place_codes(),
            )
        except actions.PilotError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The pilot is marked."))
            return HttpResponseRedirect(reverse("pilots:detail", args=[pilot.pk]))
    return render(request, "pilots/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = access_or_404(Pilot.objects.visible_to(request.user).select_related("created_by"), pk=pk)
    result = evaluate(pilot)
    outcomes: list[dict[str, Any]] = []
    for outcome in Outcome:
        estimate = result.results[outcome]
        outcomes.append(
            {
                "key": outcome.value,
                "label": OUTCOME_LABELS[outcome],
                "estimate": estimate,
                "effect_text": explain.effect_text(outcome, estimate) if estimate else "",
                "trend_text": explain.trend_text(outcome, estimate) if estimate else "",
                "gaps": list(zip(result.window.pre, estimate.pre_trend.gaps, strict=False)) if estimate else [],
            }
        )
    span = result.window
    quarters = by_quarter(result.pilots + result.comparisons, span)
    rows = [
        {
            "place": unit,
            "before": {o.value: unit.value(o, span.pre) for o in Outcome},
            "after": {o.value: unit.value(o, span.post) for o in Outcome},
            "quarters": quarters[unit.code],
        }
        for unit in result.pilots + result.comparisons
    ]
    context = {
        "pilot": pilot,
        "evaluation": result,
        "ready": result.status == Status.READY,
        "outcomes": outcomes,
        "rows": rows,
        "caveats": explain.caveats(),
    }
    return render(request, "pilots/detail.html", context)
