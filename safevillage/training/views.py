"""Pages of the police training: the sessions under the user, one session with its
analysis, and the forms to record a session and load its scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.accounts.scoping import access_or_404, can
from safevillage.core.periods import Period, PeriodError
from safevillage.places.areas import COUNTRY
from safevillage.places.codes import under
from safevillage.places.models import Place
from safevillage.training import actions, analysis
from safevillage.training.forms import ScoresForm, SessionForm
from safevillage.training.models import QuestionResult, TrainingSession
from safevillage.training.scores import ScoresError, read_scores

VIEW = "training.view"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW):
        raise Http404
    sessions = TrainingSession.objects.visible_to(request.user).select_related("curriculum", "place")
    # The filters a report's figure links with: sessions under a place that started in a period.
    place, error, period = request.GET.get("place", "").strip(), "", None
    if place and place != COUNTRY:
        sessions = sessions.filter(under("place__code", place)) if place.isdigit() else sessions.none()
    if value := request.GET.get("period", "").strip():
        try:
            period = Period.parse(value)
        except PeriodError as problem:
            error = str(problem)
        else:
            sessions = sessions.filter(starts_on__gte=period.start, starts_on__lte=period.end)
    return render(
        request,
        "training/index.html",
        {
            "sessions": sessions[:100],
            "may_manage": can(request.user, actions.MANAGE),
            "period": period,
            "place": place if place != COUNTRY else "",
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, actions.MANAGE):
        raise Http404
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = Place.objects.filter(code=data["place"].strip()).first()
        if place is None or not can(request.user, actions.MANAGE, place.code):
            form.add_error("place", _("No place under you has this code."))
        else:
            session = actions.record_session(by=request.user, **{**data, "place": place})
            messages.success(request, _("The session is recorded. Load its scores."))
            return HttpResponseRedirect(reverse("training:detail", args=[session.pk]))
    return render(request, "training/new.html", {"form": form}, status=400 if form.errors else 200)


def _analysis(session: TrainingSession) -> dict[str, object]:
    participants = list(session.participants.all())
    pairs = [(float(p.pre_score), float(p.post_score)) for p in participants if p.post_score is not None]
    kept = [
        (float(p.post_score), float(p.retention_score))
        for p in participants
        if p.post_score is not None and p.retention_score is not None
    ]
    answers = list(
        QuestionResult.objects.filter(participant__session=session).values_list(
            "participant_id", "question", "phase", "correct"
        )
    )
    return {
        "participants": participants,
        "gain": analysis.paired([a for a, _b in pairs], [b for _a, b in pairs]) if pairs else None,
        "retention": analysis.paired([a for a, _b in kept], [b for _a, b in kept]) if kept else None,
        "questions": analysis.per_question(answers),
    }


def _detail(
    request: HttpRequest, session: TrainingSession, form: ScoresForm | None = None, problems: list[str] | None = None
) -> HttpResponse:
    return render(
        request,
        "training/detail.html",
        {
            "session": session,
            "may_manage": can(request.user, actions.MANAGE, session.place.code),
            "form": form or ScoresForm(),
            "problems": problems or [],
            **_analysis(session),
        },
        status=400 if problems or (form and form.errors) else 200,
    )


def _session(request: HttpRequest, pk: int) -> TrainingSession:
    return access_or_404(TrainingSession.objects.visible_to(request.user).select_related("curriculum", "place"), pk=pk)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _session(request, pk))


@login_required
@require_POST
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not can(request.user, actions.MANAGE, session.place.code):
        raise Http404
    form = ScoresForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, session, form)
    upload = form.cleaned_data["file"]
    try:
        lines = read_scores(upload.read(), max_score=session.max_score)
    except ScoresError as error:
        return _detail(request, session, form, error.problems)
    count = actions.replace_scores(by=request.user, session=session, lines=lines, file_name=upload.name)
    messages.success(request, _("%(count)d participants loaded.") % {"count": count})
    return HttpResponseRedirect(reverse("training:detail", args=[session.pk]))
