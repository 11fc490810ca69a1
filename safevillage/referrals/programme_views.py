"""The coordinator's pages: the programme's teams and providers, set up and changed, set
aside and taken back, and the last verdicts on the referrals' audit chain. 404 for everyone
but a coordinator (``programme.py``), before anything of the referrals database is read.

Nothing of these pages is written to the police database: the changes and their audit
events go to the referrals database (``directory.py``), and the confirmations shown after a
change (kept in the session, a table of the police database, when too long for the cookie)
name no team, provider or member."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.accounts.models import User
from safevillage.places.models import Place
from safevillage.referrals import directory
from safevillage.referrals.models import ChainVerification, Provider, ProviderStaff, Team, TeamMember
from safevillage.referrals.programme import (
    managed_providers,
    managed_teams,
    provider_or_404,
    reach,
    team_or_404,
)
from safevillage.referrals.programme_forms import MemberForm, ProviderForm, StaffForm, TeamForm
from safevillage.referrals.views import add_errors

RECENT_VERDICTS = 5


def place_names(codes: Iterable[str]) -> dict[str, str]:
    """Place names (read from the police database: places are public) in the page's language."""
    khmer = (get_language() or "").startswith("km")
    return {
        code: f"{name_km if khmer else name_latin} ({code})"
        for code, name_km, name_latin in Place.objects.filter(code__in=set(codes)).values_list(
            "code", "name_km", "name_latin"
        )
    }


def _coordinator(request: HttpRequest) -> tuple[str, ...]:
    allowed = reach(request.user)
    if not allowed:
        raise Http404
    return allowed


def _attempt(form: forms.Form, act: Callable[[], Any]) -> Any:
    """Run a change of ``directory``; its refusal is shown on the form (None)."""
    try:
        return act()
    except ValidationError as error:
        add_errors(form, error)
        return None


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    teams = list(managed_teams(request.user).prefetch_related("members"))
    providers = list(managed_providers(request.user).prefetch_related("services", "areas"))
    names = place_names([t.place_code for t in teams] + [a.place_code for p in providers for a in p.areas.all()])
    context = {
        "teams": [(t, names.get(t.place_code, t.place_code), sum(m.active for m in t.members.all())) for t in teams],
        "providers": [(p, [names.get(a.place_code, a.place_code) for a in p.areas.all()]) for p in providers],
        "verdicts": list(ChainVerification.objects.all()[:RECENT_VERDICTS]),
    }
    return render(request, "referrals/programme/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    allowed = _coordinator(request)
    form = TeamForm(request.POST if request.method == "POST" else None, reach=allowed)
    if request.method == "POST" and form.is_valid():
        team = _attempt(form, lambda: directory.create_team(actor=request.user, **form.cleaned_data))
        if team is not None:
            messages.success(request, _("The team is created. Add its members."))
            return HttpResponseRedirect(reverse("referrals:team", args=[team.pk]))
    return render(request, "referrals/programme/team_new.html", {"form": form}, status=400 if form.errors else 200)


def _team_page(request: HttpRequest, team: Team, given: dict[str, forms.Form] | None = None) -> HttpResponse:
    allowed = reach(request.user)
    members = list(team.members.all())
    accounts = dict(User.objects.filter(pk__in=[m.user_id for m in members if m.user_id]).values_list("pk", "username"))
    given = given or {}
    context = {
        "team": team,
        "place": place_names([team.place_code]).get(team.place_code, team.place_code),
        "members": [(m, accounts.get(m.user_id or 0, "")) for m in members],
        "form": given.get("team")
        or TeamForm(initial={"name": team.name, "place_code": team.place_code}, reach=allowed),
        "member_form": given.get("member") or MemberForm(prefix="member"),
    }
    return render(request, "referrals/programme/team.html", context, status=400 if given else 200)


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, pk: int) -> HttpResponse:
    allowed = _coordinator(request)
    found = team_or_404(request.user, pk)
    if request.method == "GET":
        return _team_page(request, found)
    form = TeamForm(request.POST, reach=allowed)
    if form.is_valid() and _attempt(
        form, lambda: directory.update_team(actor=request.user, team=found, **form.cleaned_data)
    ):
        messages.success(request, _("The team is saved."))
        return HttpResponseRedirect(reverse("referrals:team", args=[found.pk]))
    return _team_page(request, found, {"team": form})


@login_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = team_or_404(request.user, pk)
    form = MemberForm(request.POST, prefix="member")
    if form.is_valid() and _attempt(
        form, lambda: directory.add_member(actor=request.user, team=found, **form.cleaned_data)
    ):
        messages.success(request, _("The member is added."))
        return HttpResponseRedirect(reverse("referrals:team", args=[found.pk]))
    return _team_page(request, found, {"member": form})


def _active(request: HttpRequest) -> bool:
    return request.POST.get("active") == "1"


@login_required
@require_POST
def team_member_state(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = team_or_404(request.user, pk)
    try:
        member = found.members.get(pk=int(request.POST.get("member", "")))
    except (TeamMember.DoesNotExist, ValueError):
        raise Http404 from None
    directory.set_member_active(actor=request.user, member=member, active=_active(request))
    messages.success(request, _("The member is saved."))
    return HttpResponseRedirect(reverse("referrals:team", args=[found.pk]))


@login_required
@require_POST
def team_state(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = team_or_404(request.user, pk)
    directory.set_team_active(actor=request.user, team=found, active=_active(request))
    messages.success(request, _("The team is saved."))
    return HttpResponseRedirect(reverse("referrals:team", args=[found.pk]))


def _provider_initial(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "services": list(provider.services.values_list("service", flat=True)),
        "areas": " ".join(provider.areas.values_list("place_code", flat=True)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def provider_new(request: HttpRequest) -> HttpResponse:
    allowed = _coordinator(request)
    form = ProviderForm(request.POST if request.method == "POST" else None, reach=allowed)
    if request.method == "POST" and form.is_valid():
        provider = _attempt(form, lambda: directory.create_provider(actor=request.user, **form.cleaned_data))
        if provider is not None:
            messages.success(request, _("The provider is created. Add its staff accounts."))
            return HttpResponseRedirect(reverse("referrals:provider", args=[provider.pk]))
    status = 400 if form.errors else 200
    return render(request, "referrals/programme/provider_new.html", {"form": form}, status=status)


def _provider_page(
    request: HttpRequest, provider: Provider, given: dict[str, forms.Form] | None = None
) -> HttpResponse:
    allowed = reach(request.user)
    staff = list(provider.staff.all())
    accounts = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in staff])}
    given = given or {}
    codes = list(provider.areas.values_list("place_code", flat=True))
    names = place_names(codes)
    context = {
        "provider": provider,
        "services": [s.get_service_display() for s in provider.services.all()],
        "areas": [names.get(code, code) for code in codes],
        "staff": [(s, accounts.get(s.user_id)) for s in staff],
        "form": given.get("provider") or ProviderForm(initial=_provider_initial(provider), reach=allowed),
        "staff_form": given.get("staff") or StaffForm(prefix="staff"),
    }
    return render(request, "referrals/programme/provider.html", context, status=400 if given else 200)


@login_required
@require_http_methods(["GET", "POST"])
def provider(request: HttpRequest, pk: int) -> HttpResponse:
    allowed = _coordinator(request)
    found = provider_or_404(request.user, pk)
    if request.method == "GET":
        return _provider_page(request, found)
    form = ProviderForm(request.POST, reach=allowed)
    if form.is_valid() and _attempt(
        form, lambda: directory.update_provider(actor=request.user, provider=found, **form.cleaned_data)
    ):
        messages.success(request, _("The provider is saved."))
        return HttpResponseRedirect(reverse("referrals:provider", args=[found.pk]))
    return _provider_page(request, found, {"provider": form})


@login_required
@require_POST
def provider_staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = provider_or_404(request.user, pk)
    form = StaffForm(request.POST, prefix="staff")
    if form.is_valid() and _attempt(
        form, lambda: directory.add_staff(actor=request.user, provider=found, **form.cleaned_data)
    ):
        messages.success(request, _("The staff account is added."))
        return HttpResponseRedirect(reverse("referrals:provider", args=[found.pk]))
    return _provider_page(request, found, {"staff": form})


@login_required
@require_POST
def provider_staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = provider_or_404(request.user, pk)
    try:
        staff = found.staff.get(pk=int(request.POST.get("staff", "")))
    except (ProviderStaff.DoesNotExist, ValueError):
        raise Http404 from None
    directory.remove_staff(actor=request.user, staff=staff)
    messages.success(request, _("The staff account is removed."))
    return HttpResponseRedirect(reverse("referrals:provider", args=[found.pk]))


@login_required
@require_POST
def provider_state(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    found = provider_or_404(request.user, pk)
    directory.set_provider_active(actor=request.user, provider=found, active=_active(request))
    messages.success(request, _("The provider is saved."))
    return HttpResponseRedirect(reverse("referrals:provider", args=[found.pk]))
