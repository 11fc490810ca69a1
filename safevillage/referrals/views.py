"""Pages of the referrals: a team's referrals and the form to send one, a provider's inbox,
a referral (the provider reads it all; the team reads only how far it went), and the
provider's and the team's steps. Every page answers 404 to anyone the referrals are not for
(``access.py``), and every read of a referral is recorded in the referrals' audit chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.referrals import actions, chain
from safevillage.referrals.access import (
    provider_of,
    referral_or_404,
    referring_teams,
    side,
    teams_of,
    visible_referrals,
)
from safevillage.referrals.forms import DeclineForm, FollowUpForm, ReferralForm, RevokeForm, ServiceForm
from safevillage.referrals.models import Referral, Status

# Rows shown on a list page: the newest first.
LIST_SIZE = 100


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """An action's refusal shown at its field, or at the top when the form has no such field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    teams = list(teams_of(request.user))
    provider = provider_of(request.user)
    if not teams and provider is None:
        raise Http404
    referrals = list(visible_referrals(request.user).select_related("team", "provider")[:LIST_SIZE])
    chain.record_read(
        "referral.list", actor=request.user, target_type="referrals.referral", new={"ids": [r.pk for r in referrals]}
    )
    rows = [(r, side(request.user, r), actions.feedback_words(r)) for r in referrals]
    return render(
        request,
        "referrals/index.html",
        {
            "teams": teams,
            "can_refer": any(team.active for team in teams),
            "provider": provider,
            "rows": rows,
            "waiting": sum(r.status == Status.SENT for r in referrals),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    teams = referring_teams(request.user)
    if not teams.exists():
        raise Http404
    form = ReferralForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider, service = form.provider_and_service()
        try:
            referral = actions.refer(
                by=request.user,
                team=data["team"],
                provider=provider,
                service=service,
                key_population=data["key_population"],
                client_code=form.code(),
                consent=data["consent"],
                override_reason=data["override_reason"],
                incident_reference=data["incident_reference"],
                note=data["note"],
                follow_up_on=data["follow_up_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The referral is sent. The client's code is %(code)s.") % {"code": referral.client_code}
            )
            return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
    return render(request, "referrals/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, referral: Referral, forms_given: dict[str, forms.Form] | None = None) -> HttpResponse:
    viewer = side(request.user, referral)
    chain.record_read(
        "referral.read",
        actor=request.user,
        target=referral,
        target_label=referral.client_code,
        new={"side": viewer},
        place_code=referral.place_code,
    )
    given = forms_given or {}
    context: dict[str, Any] = {
        "referral": referral,
        "viewer": viewer,
        "feedback": actions.feedback_words(referral),
        "decline_form": given.get("decline") or DeclineForm(prefix="decline"),
        "service_form": given.get("service") or ServiceForm(prefix="service"),
        "revoke_form": given.get("revoke") or RevokeForm(prefix="revoke"),
        "follow_up_form": given.get("follow_up") or FollowUpForm(prefix="follow_up"),
        "follow_ups": list(referral.follow_ups.all()) if viewer == "team" else [],
    }
    return render(request, "referrals/detail.html", context, status=400 if given else 200)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, referral_or_404(request.user, pk))


def _step(
    request: HttpRequest,
    pk: int,
    prefix: str,
    form_class: type[forms.Form] | None,
    act: Callable[..., object],
    done: str,
) -> HttpResponse:
    """A step on a referral: the form (if any), the action, the page again on a refusal."""
    referral = referral_or_404(request.user, pk)
    form = form_class(request.POST, prefix=prefix) if form_class else None
    if form is None or form.is_valid():
        try:
            act(by=request.user, referral=referral, **(form.cleaned_data if form else {}))
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
            add_errors(form, error)
    if form is not None and form.errors:
        return _detail(request, referral, {prefix: form})
    messages.success(request, done)
    return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "accept", None, actions.accept, _("The referral is accepted."))


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "decline", DeclineForm, actions.decline, _("The referral is declined."))


@login_required
@require_POST
def serve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "service", ServiceForm, actions.record_service, _("The service is recorded."))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "close", None, actions.close, _("The referral is closed."))


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "revoke", RevokeForm, actions.revoke, _("The referral is revoked."))


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "follow_up", FollowUpForm, actions.follow_up, _("The follow-up is recorded."))
