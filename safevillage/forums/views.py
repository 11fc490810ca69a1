"""Pages of the public forums: an area's compliance by child place, its latest forums, a
forum with the issues raised at it, and the forms to record them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.accounts.scoping import access_or_404, can
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.forums import actions, compliance
from safevillage.forums.forms import ForumForm, IssueForm, ReviewForm
from safevillage.forums.models import Forum, ForumIssue, IssueStatus
from safevillage.incidents.models import Incident
from safevillage.places.areas import area_or_404, home_area
from safevillage.places.codes import under
from safevillage.places.models import Place

VIEW = "forums.view"


def _area(request: HttpRequest, place: str) -> Place | None:
    return area_or_404(request.user, place, VIEW)


def _quarter(request: HttpRequest) -> tuple[Period, str]:
    current = Period.containing(timezone.now(), PeriodKind.QUARTER)
    value = request.GET.get("quarter", "").strip()
    if not value:
        return current, ""
    try:
        period = Period.parse(value)
    except PeriodError as error:
        return current, str(error)
    if period.kind != PeriodKind.QUARTER:
        return current, _("Choose a quarter, such as 2026Q1.")
    return period, ""


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("forums:place", args=[home_area(request.user, VIEW)]))


@login_required
@require_GET
def place(request: HttpRequest, place: str) -> HttpResponse:
    area = _area(request, place)
    code = area.code if area else ""
    quarter, error = _quarter(request)
    rows = compliance.children(code, quarter)
    names = Place.objects.in_bulk([row.code for row in rows], field_name="code")
    today = timezone.localdate()
    forums = (
        Forum.objects.visible_to(request.user)
        .filter(under("place__code", code))
        .select_related("place")
        .order_by("-held_on", "-id")[:20]
    )
    own_last = compliance.last_forums([code]).get(code) if area else None
    return render(
        request,
        "forums/place.html",
        {
            "area": area,
            "slug": place,
            "quarter": quarter,
            "previous": quarter.previous(),
            "next": quarter.next() if quarter.end < today else None,
            "error": error,
            "rows": [
                {"row": row, "place": names.get(row.code), "overdue": compliance.is_overdue(row.last_forum, today)}
                for row in rows
            ],
            "villages": compliance.area_share(code, quarter),
            "forums": forums,
            "own_last": own_last,
            "own_overdue": area is not None and area.level >= 3 and compliance.is_overdue(own_last, today),
            "may_record": area is not None
            and area.level in actions.FORUM_LEVELS
            and can(request.user, actions.RECORD, area.code),
            "overdue_days": compliance.OVERDUE_AFTER_DAYS,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, place: str) -> HttpResponse:
    area = _area(request, place)
    if area is None or area.level not in actions.FORUM_LEVELS or not can(request.user, actions.RECORD, area.code):
        raise Http404
    form = ForumForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        forum = actions.record_forum(by=request.user, place=area, **form.cleaned_data)
        messages.success(request, _("The forum is recorded. Add the issues residents raised."))
        return HttpResponseRedirect(reverse("forums:detail", args=[forum.pk]))
    return render(request, "forums/new.html", {"area": area, "form": form}, status=400 if form.errors else 200)


def _forum(request: HttpRequest, pk: int) -> Forum:
    return access_or_404(Forum.objects.visible_to(request.user).select_related("place"), pk=pk)


def _detail(request: HttpRequest, forum: Forum, issue_form: IssueForm | None = None, status: int = 200) -> HttpResponse:
    may_record = can(request.user, actions.RECORD, forum.place.code)
    # Issues of earlier forums at the same place that are still open: reviewed at this one.
    earlier = (
        ForumIssue.objects.filter(forum__place=forum.place, forum__held_on__lte=forum.held_on)
        .exclude(forum=forum)
        .filter(status__in=[IssueStatus.OPEN, IssueStatus.IN_PROGRESS])
        .select_related("forum", "incident")
    )
    reviewed = {review.issue_id: review for review in forum.reviews.all()}
    return render(
        request,
        "forums/detail.html",
        {
            "forum": forum,
            "issues": forum.issues.select_related("incident").prefetch_related("reviews__forum"),
            "topics": forum.topics.order_by("number"),
            "earlier": [(issue, reviewed.get(issue.pk), ReviewForm(prefix=f"r{issue.pk}")) for issue in earlier],
            "reviewed": [review for review in reviewed.values()],
            "may_record": may_record,
            "issue_form": issue_form or IssueForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum(request, pk)
    if request.method == "GET":
        return _detail(request, forum)
    if not can(request.user, actions.RECORD, forum.place.code):
        raise Http404
    form = IssueForm(request.POST, records=Incident.objects.visible_to(request.user))
    if not form.is_valid():
        return _detail(request, forum, form, status=400)
    data = form.cleaned_data
    actions.raise_issue(
        by=request.user,
        forum=forum,
        raised=data["raised"],
        action=data["action"],
        owner=data["owner"],
        incident=data["reference"],
    )
    messages.success(request, _("The issue is added."))
    return HttpResponseRedirect(reverse("forums:detail", args=[forum.pk]))


@login_required
@require_POST
def review(request: HttpRequest, pk: int, issue: int) -> HttpResponse:
    forum = _forum(request, pk)
    item = access_or_404(ForumIssue.objects.filter(forum__place=forum.place).select_related("forum"), pk=issue)
    form = ReviewForm(request.POST, prefix=f"r{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the status and say what progress was reported."))
    else:
        actions.review_issue(by=request.user, issue=item, at=forum, **form.cleaned_data)
        messages.success(request, _("The progress is recorded."))
    return HttpResponseRedirect(reverse("forums:detail", args=[forum.pk]) + "#review")
