"""Pages of the police posts: an area's figures (officers per 1,000 residents, villages with a
working post box, budget spent), and for a commune its post's weekly duty roster, its means
and its budget lines, with the forms to keep them."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.accounts.scoping import access_or_404, can
from safevillage.places.areas import area_or_404, home_area
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.posts import actions, indicators
from safevillage.posts.forms import BudgetForm, EquipmentForm, ShiftForm
from safevillage.posts.models import BudgetLine, DutyShift, Equipment

VIEW = "posts.view"


def _area(request: HttpRequest, place: str) -> Place | None:
    return area_or_404(request.user, place, VIEW, deepest=Level.COMMUNE)


def _officers(commune: Place) -> list[tuple[int, str]]:
    ids = RoleAssignment.objects.active().filter(role=Role.COMMUNE_POLICE, place=commune).values("user_id")
    return [(user.pk, str(user)) for user in User.objects.filter(pk__in=ids).order_by("username")]


def _places(commune: Place) -> list[tuple[str, str]]:
    places = Place.objects.current().filter(under("code", commune.code)).order_by("code")
    return [(p.code, f"{p.code} {p.name_km} · {p.name_latin}") for p in places]


def _week(request: HttpRequest) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())  # its Monday


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("posts:place", args=[home_area(request.user, VIEW)]))


def _page(
    request: HttpRequest,
    place: str,
    shift: ShiftForm | None = None,
    equipment: EquipmentForm | None = None,
    budget: BudgetForm | None = None,
) -> HttpResponse:
    area = _area(request, place)
    code = area.code if area else ""
    year = timezone.localdate().year
    per_child = indicators.by_child(code, year) if len(code) < 6 else {}
    children = Place.objects.filter(code__in=per_child).order_by("code")
    context: dict[str, object] = {
        "area": area,
        "slug": place,
        "year": year,
        "figures": indicators.figures(code, year),
        "children": [(child, per_child[child.code]) for child in children],
        "budget_lines": BudgetLine.objects.filter(place__code=code, year__gte=year - 1) if area else [],
        "may_budget": area is not None and can(request.user, actions.BUDGET, code),
        "budget_form": budget or BudgetForm(initial={"year": year}),
    }
    if area is not None and area.level == Level.COMMUNE:
        monday = _week(request)
        start = datetime.datetime.combine(monday, datetime.time(), tzinfo=timezone.get_current_timezone())
        context |= {
            "monday": monday,
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "shifts": DutyShift.objects.filter(
                place=area, starts_at__lt=start + datetime.timedelta(days=7), ends_at__gt=start
            ).select_related("officer"),
            "equipment": Equipment.objects.filter(under("place__code", code)).select_related("place"),
            "may_roster": can(request.user, actions.ROSTER, code),
            "shift_form": shift or ShiftForm(officers=_officers(area)),
            "equipment_form": equipment or EquipmentForm(places=_places(area)),
        }
    failed = any(form is not None and form.errors for form in (shift, equipment, budget))
    return render(request, "posts/place.html", context, status=400 if failed else 200)


@login_required
@require_GET
def place(request: HttpRequest, place: str) -> HttpResponse:
    return _page(request, place)


def _commune(request: HttpRequest, place: str) -> Place:
    area = _area(request, place)
    if area is None or area.level != Level.COMMUNE or not can(request.user, actions.ROSTER, area.code):
        raise Http404
    return area


@login_required
@require_POST
def shift(request: HttpRequest, place: str) -> HttpResponse:
    area = _commune(request, place)
    form = ShiftForm(request.POST, officers=_officers(area))
    if not form.is_valid():
        return _page(request, place, shift=form)
    starts_at, ends_at = form.span()
    officer = User.objects.get(pk=form.cleaned_data["officer"])
    actions.add_shift(by=request.user, place=area, officer=officer, starts_at=starts_at, ends_at=ends_at)
    messages.success(request, _("The shift is on the roster."))
    return HttpResponseRedirect(reverse("posts:place", args=[place]) + f"?week={starts_at.date().isoformat()}#roster")


@login_required
@require_POST
def equipment(request: HttpRequest, place: str) -> HttpResponse:
    area = _commune(request, place)
    form = EquipmentForm(request.POST, places=_places(area))
    if not form.is_valid():
        return _page(request, place, equipment=form)
    data = form.cleaned_data
    where = Place.objects.get(code=data["place"])
    item = None
    if item_id := request.POST.get("item", ""):
        item = access_or_404(Equipment.objects.filter(under("place__code", area.code)), pk=item_id)
    actions.record_equipment(
        by=request.user,
        place=where,
        kind=data["kind"],
        label=data["label"],
        state=data["state"],
        checked_on=data["checked_on"],
        item=item,
    )
    messages.success(request, _("The means are recorded."))
    return HttpResponseRedirect(reverse("posts:place", args=[place]) + "#means")


@login_required
@require_POST
def budget(request: HttpRequest, place: str) -> HttpResponse:
    area = _area(request, place)
    if area is None or not can(request.user, actions.BUDGET, area.code):
        raise Http404
    form = BudgetForm(request.POST)
    if not form.is_valid():
        return _page(request, place, budget=form)
    actions.record_budget(by=request.user, place=area, **form.cleaned_data)
    messages.success(request, _("The budget line is recorded."))
    return HttpResponseRedirect(reverse("posts:place", args=[place]) + "#budget")
