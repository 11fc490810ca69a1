"""Pages of the awards: the rounds the reader may see (and opening one), a round's
nominations with their evidence, a nomination with the decide and revoke forms, the
certificate PDF, and the public check of a certificate by its code.

Scoped like the reports: a round outside the reader's area is the same 404 as a missing
one; only the secretariat of the round's level sees the forms (``actions.may_decide``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safevillage.accounts.scoping import access_or_404, can, prefixes
from safevillage.awards import actions, present
from safevillage.awards.certificate import render_certificate
from safevillage.awards.forms import DecideForm, RevokeForm, RoundForm
from safevillage.awards.models import VIEW, AwardRound, Decision, Nomination
from safevillage.places.areas import COUNTRY
from safevillage.places.models import Level, Place


def _areas(user: Any) -> list[tuple[str, str]]:
    """Where the user is the secretariat: the country, provinces or districts."""
    codes = [code for code in prefixes(user, actions.DECIDE) if len(code) in (0, 2, 4)]
    names = {
        p.code: f"{p.code} {p.name_km} · {p.name_latin}"
        for p in Place.objects.filter(code__in=[c for c in codes if c], level__lte=Level.DISTRICT)
    }
    return [(code or COUNTRY, _("Cambodia") if not code else names.get(code, code)) for code in codes]


def _round_or_404(request: HttpRequest, pk: int) -> AwardRound:
    return access_or_404(AwardRound.objects.visible_to(request.user).select_related("area", "ranking"), pk=pk)


def _nomination_or_404(request: HttpRequest, pk: int) -> Nomination:
    rounds = AwardRound.objects.visible_to(request.user)
    queryset = Nomination.objects.filter(round__in=rounds).select_related(
        "round__area", "place", "decided_by", "revoked_by"
    )
    return access_or_404(queryset, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    areas = _areas(request.user)
    form = RoundForm(
        request.POST if request.method == "POST" else None, areas=areas, initial={"year": timezone.localdate().year - 1}
    )
    if request.method == "POST":
        if not areas:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            area = "" if data["area"] == COUNTRY else data["area"]
            try:
                opened = actions.open_round(by=request.user, area_code=area, year=data["year"], kind=data["kind"])
            except actions.AwardError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The round is open: the nominations follow the ranking of the year."))
                return HttpResponseRedirect(reverse("awards:round", args=[opened.pk]))
    rounds = AwardRound.objects.visible_to(request.user).select_related("area")[:200]
    return render(
        request,
        "awards/index.html",
        {"rounds": rounds, "form": form if areas else None},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_or_404(request, pk)
    nominations = award_round.nominations.select_related("round__area", "place", "decided_by")
    return render(
        request,
        "awards/round.html",
        {
            "round": award_round,
            "area_name": present.area_name(award_round),
            "ranking_link": present.ranking_link(award_round),
            "rows": [present.nomination_view(n) for n in nominations],
            "may_decide": actions.may_decide(request.user, award_round.area_code),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination_or_404(request, pk)
    may_decide = actions.may_decide(request.user, nomination.round.area_code)
    initial = {"version": nomination.version}
    decide_form = DecideForm(initial=initial)
    revoke_form = RevokeForm(initial=initial)
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise Http404
        step = request.POST.get("step", "")
        try:
            if step == "decide":
                decide_form = DecideForm(request.POST)
                if decide_form.is_valid():
                    data = decide_form.cleaned_data
                    actions.decide(
                        nomination,
                        by=request.user,
                        decision=data["decision"],
                        reason=data["reason"],
                        version=data["version"],
                    )
                    messages.success(request, _("The decision is recorded."))
                    return HttpResponseRedirect(reverse("awards:nomination", args=[nomination.pk]))
            elif step == "revoke":
                revoke_form = RevokeForm(request.POST)
                if revoke_form.is_valid():
                    data = revoke_form.cleaned_data
                    actions.revoke(nomination, by=request.user, reason=data["reason"], version=data["version"])
                    messages.success(request, _("The award is revoked."))
                    return HttpResponseRedirect(reverse("awards:nomination", args=[nomination.pk]))
            else:
                raise Http404
        except actions.AwardError as error:
            form = decide_form if step == "decide" else revoke_form
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            status = error.status_code if error.status_code != 403 else 400
        else:
            status = 400
    context = {
        "row": present.nomination_view(nomination),
        "round": nomination.round,
        "area_name": present.area_name(nomination.round),
        "may_decide": may_decide,
        "decide_form": decide_form if may_decide and nomination.decision == Decision.PENDING else None,
        "revoke_form": revoke_form if may_decide and nomination.decision == Decision.AWARDED else None,
    }
    return render(request, "awards/nomination.html", context, status=status)


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination_or_404(request, pk)
    if nomination.decision != Decision.AWARDED:
        raise Http404
    verify_url = request.build_absolute_uri(reverse("awards:verify", args=[nomination.verification_code]))
    response = HttpResponse(render_certificate(nomination, verify_url), content_type="application/pdf")
    filename = f"award-{nomination.round.area_code or COUNTRY}-{nomination.round.year}-{nomination.subject_code}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whoever holds a certificate can check it is real and still stands. Shows what
    the certificate itself prints, nothing more; an unknown code is a plain 404."""
    nomination = (
        Nomination.objects.filter(
            verification_code=code.strip().upper(), decision__in=[Decision.AWARDED, Decision.REVOKED]
        )
        .select_related("round__area", "place")
        .first()
    )
    if nomination is None:
        raise Http404
    return render(
        request,
        "awards/verify.html",
        {"nomination": nomination, "round": nomination.round, "area_name": present.area_name(nomination.round)},
    )
