"""Pages of the result reports: the report of a place and period (table with a link on every
figure, exports, the forms of the approval steps the reader may take) and the completeness
of the reports under a place.

Every page starts from the reader's jurisdiction (``reports.view``): a place outside it is
the same 404 as a place that does not exist. A bad period is a 400 with a translated message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safevillage.accounts.scoping import access_or_404, can, prefix_filter
from safevillage.charts.pages import report_extras
from safevillage.core.period_picker import PeriodField, render_picker, reporting_period
from safevillage.core.periods import Period, PeriodError
from safevillage.places.models import Level, Place
from safevillage.reports import approval
from safevillage.reports.chain import approval_chain, behind
from safevillage.reports.exports.communes_csv import render_communes_csv
from safevillage.reports.exports.csv_table import render_csv
from safevillage.reports.exports.dhis2 import data_value_set
from safevillage.reports.exports.pdf import render_pdf
from safevillage.reports.exports.spreadsheet import render_xlsx
from safevillage.reports.models import ReportStatus, ResultReport
from safevillage.reports.present import keep_followable_links, present
from safevillage.reports.supplementary import FIELDS
from safevillage.reports.tables import NATIONAL, ReportData, build_report_data

if TYPE_CHECKING:
    from safevillage.accounts.models import User
    from safevillage.accounts.scoping import AnyUser

COUNTRY_SLUG = "KH"


def place_slug(place_code: str) -> str:
    return place_code or COUNTRY_SLUG


@dataclass
class Target:
    """The (place, period) a request is about, already checked against the reader's jurisdiction."""

    place_code: str
    place: Place | None  # None: the whole country
    period: Period
    report: ResultReport | None

    @property
    def slug(self) -> str:
        return place_slug(self.place_code)


class BadPeriod(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def resolve(user: AnyUser, place: str, period: str) -> Target:
    """404 for a place missing or outside the reader's jurisdiction; BadPeriod for a bad period."""
    place_code = NATIONAL if place == COUNTRY_SLUG else place
    if place_code == NATIONAL:
        if not can(user, "reports.view", NATIONAL):
            raise Http404
        found: Place | None = None
    else:
        found = access_or_404(Place.objects.filter(prefix_filter(user, "reports.view", "code")), code=place_code)
    try:
        parsed = Period.parse(period)
        # A report compares with the period before and the year before: both must exist.
        parsed.previous(), parsed.year_earlier()
    except PeriodError as error:
        raise BadPeriod(str(error)) from None
    report = ResultReport.objects.filter(place=found, period_id=parsed.id).first() if found is not None else None
    return Target(place_code, found, parsed, report)


def report_data(target: Target, live: bool = False) -> tuple[ReportData, bool]:
    """The figures to show: the stored snapshot of a report sent up (unless ``live``), else
    the figures as they stand. Returns (data, from_snapshot)."""
    report = target.report
    if not live and report is not None and report.snapshot and report.rank > 0:
        return report.snapshot, True
    return build_report_data(target.place_code, target.period), False


def _bad_period(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/bad_period.html", {"message": message}, status=400)


def _permissions(request: HttpRequest, target: Target) -> dict[str, bool]:
    place, report, user = target.place, target.report, request.user
    if place is None:
        return {}
    editable = report is None or report.is_editable
    ended = target.period.has_ended()
    can_edit = place.level in (1, 2, 3) and editable and can(user, approval.author_permission(place), place.code)
    return {
        "can_edit": can_edit,
        # Submitting and approving post the report's form (what is typed is sent up with
        # the step), so they are offered only to those who may write the report.
        "can_submit": can_edit and place.level == Level.COMMUNE and ended and can(user, "reports.submit", place.code),
        "can_approve": can_edit
        and place.level in (Level.DISTRICT, Level.PROVINCE)
        and ended
        and can(user, "reports.approve", place.code),
        "can_accept": place.level == Level.PROVINCE
        and report is not None
        and report.status == ReportStatus.APPROVED
        and can(user, "reports.accept", place.code),
        "can_unapprove": report is not None and report.rank > 0 and approval.can_send_back(user, place),
    }


def _page(
    request: HttpRequest,
    target: Target,
    *,
    errors: dict[str, str] | None = None,
    error: str = "",
    posted: Any = None,
    status: int = 200,
) -> HttpResponse:
    live = request.GET.get("live") == "1"
    data, from_snapshot = report_data(target, live=live)
    presented = present(data)
    keep_followable_links(presented, lambda permission: can(request.user, permission, target.place_code))
    report = target.report
    values = dict(report.supplementary) if report else {}
    below = data.get("supplementary_below") if from_snapshot else None
    if below is None and target.place is not None:
        below = approval.supplementary_below(target.place, target.period)
    elif below is None:
        below = approval.supplementary_below(None, target.period)
    supplementary_rows = [
        {
            "field": field,
            "value": posted[field.code] if posted is not None and field.code in posted else values.get(field.code, ""),
            "below": below.get(field.code, ""),
        }
        for field in FIELDS
    ]
    narrative = {
        # What was typed, where the request carried it; else what is stored.
        name: posted[name] if posted is not None and name in posted else getattr(report, name, "") if report else ""
        for name in approval.NARRATIVE
    }
    # Before approving, the level sees where each report below stands (districts, provinces, the country).
    chain = approval_chain(target.place, target.period)
    context = {
        "target": target,
        "report": report,
        "chain": chain,
        "chain_behind": behind(chain),
        "status_label": ReportStatus(report.status).label if report else ReportStatus.DRAFT.label,
        "r": presented,
        "from_snapshot": from_snapshot,
        "live": live,
        "supplementary_rows": supplementary_rows,
        "narrative": narrative,
        "errors": errors or {},
        "error": error,
        "reason": posted.get("reason", "") if posted is not None else "",
        "deadline": target.period.deadline(),
        # The level above, when the reader may see it.
        "parent_slug": (
            place_slug(target.place_code[:-2])
            if target.place_code and can(request.user, "reports.view", target.place_code[:-2])
            else ""
        ),
        "children": (
            Place.objects.current(on=target.period.end).filter(parent=target.place).order_by("code")
            if target.place is not None
            else Place.objects.current(on=target.period.end).filter(level=Level.PROVINCE).order_by("code")
        ),
        **_permissions(request, target),
        "period_picker": render_picker("period", target.period),
        **report_extras(target, data, request.GET.get("sort", "")),
    }
    return render(request, "reports/report.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Pick a place and period; go to its report."""
    place, period = request.GET.get("place", "").strip(), request.GET.get("period", "").strip()
    error = ""
    if place or period:
        try:
            parsed = PeriodField().clean(period)
            return HttpResponseRedirect(reverse("reports:detail", args=[place or COUNTRY_SLUG, parsed.id]))
        except ValidationError as problem:
            error = problem.messages[0]
    # Broadest first: a national reader sees provinces and districts before the communes.
    places = (
        Place.objects.filter(prefix_filter(request.user, "reports.view", "code"))
        .filter(level__lte=3)
        .order_by("level", "code")[:400]
    )
    return render(
        request,
        "reports/index.html",
        {
            "places": places,
            "national": can(request.user, "reports.view", NATIONAL),
            "error": error,
            "params": {"place": place},
            # Chosen, not typed; the report being written now unless the URL names another.
            "period_picker": render_picker("period", period or reporting_period(), invalid=bool(error)),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def detail(request: HttpRequest, place: str, period: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    return _page(request, target)


@login_required
@require_GET
def export(request: HttpRequest, place: str, period: str, fmt: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    data, from_snapshot = report_data(target, live=request.GET.get("live") == "1")
    presented = present(data)
    report = target.report
    filename = f"report-{target.slug}-{target.period.id}"
    status_label = str(ReportStatus(report.status).label if report else ReportStatus.DRAFT.label)
    narrative = {
        _("Achievements"): report.achievements if report else "",
        _("Difficulties"): report.difficulties if report else "",
        _("Next steps"): report.next_steps if report else "",
    }
    supplementary = dict(report.supplementary) if report else {}
    if fmt == "xlsx":
        body = render_xlsx(presented, status=status_label, supplementary=supplementary, narrative=narrative)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body = render_pdf(
            {
                "r": presented,
                "status_label": status_label,
                "from_snapshot": from_snapshot,
                "narrative": narrative,
                "supplementary_rows": [(f.name, supplementary.get(f.code, "")) for f in FIELDS],
                "charts": report_extras(target, data)["charts"],
            }
        )
        content_type = "application/pdf"
    elif fmt == "csv":
        body = render_csv(presented)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "json":
        complete = None
        if report is not None and report.rank > 0:
            complete = report.approved_at or report.submitted_at
        dataset = data_value_set(presented, complete_date=complete.date().isoformat() if complete else "")
        body = json.dumps(dataset, ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
        filename += "-dhis2"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
@require_GET
def communes(request: HttpRequest, place: str, period: str) -> HttpResponse:
    """Every commune under the place x every category, the period and a year earlier (CSV)."""
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    if target.place is not None and target.place.level == Level.VILLAGE:
        raise Http404
    response = HttpResponse(
        render_communes_csv(target.place_code, target.period), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="communes-{target.slug}-{target.period.id}.csv"'
    return response


@login_required
@require_POST
def edit(request: HttpRequest, place: str, period: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    if target.place is None:
        raise Http404
    try:
        approval.save_draft(
            target.place,
            target.period,
            by=_user(request),
            narrative=request.POST,
            supplementary_values=request.POST,
            version=_version(request),
        )
    except approval.FormErrors as problem:
        return _page(request, target, errors=problem.errors, error=problem.message, posted=request.POST, status=400)
    except approval.ReportError as problem:
        return _page(request, target, error=problem.message, posted=request.POST, status=400)
    messages.success(request, _("The report is saved."))
    return HttpResponseRedirect(reverse("reports:detail", args=[target.slug, target.period.id]))


_STEPS = {
    "submit": (approval.submit, lambda: _("The report is submitted.")),
    "approve": (approval.approve, lambda: _("The report is approved.")),
}


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    return cast("User", request.user)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def step(request: HttpRequest, place: str, period: str, action: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    if target.place is None:
        raise Http404
    try:
        if action == "unapprove":
            approval.unapprove(
                target.place,
                target.period,
                by=_user(request),
                reason=request.POST.get("reason", ""),
                version=_version(request),
            )
            done = _("The report is sent back.")
        elif action == "accept":
            approval.accept(target.place, target.period, by=_user(request), version=_version(request))
            done = _("The report is accepted.")
        elif action in _STEPS:
            function, message = _STEPS[action]
            # The submit and approve buttons belong to the report's form: what is on the
            # screen is saved with the step, in its transaction, never left behind.
            function(
                target.place,
                target.period,
                by=_user(request),
                version=_version(request),
                narrative=request.POST,
                supplementary_values=request.POST,
            )
            done = message()
        else:
            raise Http404
    except approval.ReportError as problem:
        target.report = ResultReport.objects.filter(place=target.place, period_id=target.period.id).first()
        if isinstance(problem, approval.FormErrors):
            errors = problem.errors
        else:
            errors = {problem.field: problem.message} if problem.field else {}
        # Nothing was saved: the page shows again what was typed, with the errors.
        return _page(request, target, error=problem.message, errors=errors, posted=request.POST, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("reports:detail", args=[target.slug, target.period.id]))


@login_required
@require_GET
def completeness(request: HttpRequest, place: str, period: str) -> HttpResponse:
    try:
        target = resolve(request.user, place, period)
    except BadPeriod as problem:
        return _bad_period(request, problem.message)
    if target.place is not None and target.place.level >= Level.COMMUNE:
        raise Http404  # villages do not report: a commune has no children to count
    result = approval.completeness(target.place_code, target.period)
    # Each headline figure links to the reports it counts: ?only=in, on_time or missing.
    only = request.GET.get("only", "")
    shown = {
        "in": [c for c in result.children if c.completed],
        "on_time": [c for c in result.children if c.on_time],
        "missing": [c for c in result.children if not c.completed],
    }.get(only, result.children)
    return render(
        request,
        "reports/completeness.html",
        {
            "target": target,
            "result": result,
            "children": [
                {
                    "child": child,
                    "slug": place_slug(child.place.code),
                    "status_label": ReportStatus(child.status).label,
                    "completed_at": child.completed_at,
                }
                for child in shown
            ],
            "only": only if shown is not result.children else "",
            "place_name": _("Cambodia")
            if target.place is None
            else f"{target.place.name_km} · {target.place.name_latin}",
        },
    )
