"""Pages of the out-of-court disputes: an area's figures and disputes, a dispute (the
parties' names for the commune's mediators only), and the forms to open, hold a session and
close."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.accounts.scoping import access_or_404
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.disputes import actions, indicators
from safevillage.disputes.forms import CloseForm, DisputeForm, SessionForm
from safevillage.disputes.models import Dispute
from safevillage.incidents.models import Incident
from safevillage.places.areas import area_or_404, home_area
from safevillage.places.codes import under
from safevillage.places.models import Level, Place

VIEW = "disputes.view"


def _area(request: HttpRequest, place: str) -> Place | None:
    return area_or_404(request.user, place, VIEW, deepest=Level.COMMUNE)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("disputes:place", args=[home_area(request.user, VIEW)]))


@login_required
@require_GET
def place(request: HttpRequest, place: str) -> HttpResponse:
    area = _area(request, place)
    code = area.code if area else ""
    error = ""
    period = Period.containing(timezone.now(), PeriodKind.QUARTER)
    if value := request.GET.get("period", "").strip():
        try:
            period = Period.parse(value)
        except PeriodError as problem:
            error = str(problem)
    disputes = (
        Dispute.objects.visible_to(request.user)
        .filter(under("commune__code", code))
        .select_related("commune")
        .order_by("-opened_on", "-id")[:50]
    )
    return render(
        request,
        "disputes/place.html",
        {
            "area": area,
            "slug": place,
            "period": period,
            "error": error,
            "figures": indicators.figures(code, period),
            "disputes": disputes,
            "may_open": area is not None and area.level == Level.COMMUNE and actions.may_mediate(request.user, code),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, place: str) -> HttpResponse:
    area = _area(request, place)
    if area is None or area.level != Level.COMMUNE or not actions.may_mediate(request.user, area.code):
        raise Http404
    records = Incident.objects.visible_to(request.user).filter(under("place_code", area.code))
    form = DisputeForm(request.POST if request.method == "POST" else None, records=records)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dispute = actions.open_dispute(
            by=request.user,
            commune=area,
            kind=data["kind"],
            summary=data["summary"],
            mediators=data["mediators"],
            opened_on=data["opened_on"],
            parties=form.parties(),
            category=data["category"],
            incident=data["reference"],
        )
        messages.success(request, _("The dispute is opened."))
        return HttpResponseRedirect(reverse("disputes:detail", args=[dispute.pk]))
    return render(request, "disputes/new.html", {"area": area, "form": form}, status=400 if form.errors else 200)


def _dispute(request: HttpRequest, pk: int) -> Dispute:
    return access_or_404(Dispute.objects.visible_to(request.user).select_related("commune", "category"), pk=pk)


def _detail(
    request: HttpRequest, dispute: Dispute, session: SessionForm | None = None, close: CloseForm | None = None
) -> HttpResponse:
    mediator = actions.may_mediate(request.user, dispute.commune.code)
    return render(
        request,
        "disputes/detail.html",
        {
            "dispute": dispute,
            "mediator": mediator,
            # The names leave the database only for the commune's mediators.
            "parties": list(dispute.parties.all()) if mediator else [],
            "party_count": dispute.parties.count(),
            "sessions": dispute.sessions.all(),
            "session_form": session or SessionForm(prefix="session"),
            "close_form": close or CloseForm(prefix="close"),
        },
        status=400 if (session and session.errors) or (close and close.errors) else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _dispute(request, pk))


def _mediate(
    request: HttpRequest,
    pk: int,
    form_class: type[SessionForm] | type[CloseForm],
    act: Callable[..., object],
    date_field: str,
    done: str,
) -> HttpResponse:
    """A mediator's step on a dispute (a session, the closing): the form, the action (whose
    refusals are shown at the form's date), the page again on error, else back to the dispute."""
    dispute = _dispute(request, pk)
    if not actions.may_mediate(request.user, dispute.commune.code):
        raise Http404
    prefix = "session" if form_class is SessionForm else "close"
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(by=request.user, dispute=dispute, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(date_field, error)
    if form.errors:
        return _detail(request, dispute, **{prefix: form})  # type: ignore[arg-type]
    messages.success(request, done)
    return HttpResponseRedirect(reverse("disputes:detail", args=[dispute.pk]))


@login_required
@require_POST
def session(request: HttpRequest, pk: int) -> HttpResponse:
    return _mediate(request, pk, SessionForm, actions.add_session, "held_on", _("The session is recorded."))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _mediate(request, pk, CloseForm, actions.close_dispute, "closed_on", _("The dispute is closed."))
