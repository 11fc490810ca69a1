"""Exports of the register: asked for from the register page (same filters), followed on a
progress page, downloaded by the one person who asked. Anyone else, and anyone who no longer
sees the register, gets the same 404 as for an export that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from safevillage.accounts.scoping import access_or_404, can
from safevillage.audit.log import record_event
from safevillage.exports.actions import ExportRefused, audited_place, request_export
from safevillage.exports.models import Format, RecordExport, State
from safevillage.exports.run import path_of

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

MY_EXPORTS = 50
CONTENT_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def mine(user: AnyUser) -> QuerySet[RecordExport]:
    if not can(user, "incidents.view"):
        raise Http404
    return RecordExport.objects.filter(owner_id=user.pk)


def _filters(request: HttpRequest) -> dict[str, str]:
    """The register's filters: the page's current address when htmx sends the form (the
    filters may have changed on the page since it was drawn), else the form's action."""
    htmx = getattr(request, "htmx", None)
    current = htmx.current_url if htmx else None
    query = QueryDict(urlsplit(current).query) if current else request.GET
    return {key: str(query.get(key, "")) for key in query}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    """GET: the user's exports, newest first. POST: ask for an export of the register."""
    listed = mine(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            export = request_export(
                request.user,  # type: ignore[arg-type]
                _filters(request),
                request.POST.get("format", ""),
                get_language() or "km",
            )
        except ExportRefused as refused:
            errors = refused.errors
        except ValueError:  # a format that is not offered
            raise Http404 from None
        else:
            url = reverse("exports:detail", args=[export.pk])
            return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)
    if errors and getattr(request, "htmx", False):
        # htmx does not swap a 4xx answer: the errors come with a 200, under the form.
        return render(request, "exports/_errors.html", {"errors": errors})
    context = {"exports": listed.order_by("-created_at")[:MY_EXPORTS], "errors": errors}
    return render(request, "exports/list.html", context, status=400 if errors else 200)


@never_cache
@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress; htmx polls it for the progress part alone until it is finished."""
    export = access_or_404(mine(request.user), pk=pk)
    template = "exports/_progress.html" if getattr(request, "htmx", False) else "exports/detail.html"
    return render(request, template, {"export": export, "filters": QueryDict(export.query)})


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for its owner while it is kept; each download is audited."""
    export = access_or_404(mine(request.user).filter(state=State.DONE, expires_at__gt=timezone.now()), pk=pk)
    path = path_of(export)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    with transaction.atomic():
        record_event(
            "incident.export.download",
            actor=request.user,
            target=export,
            place_code=audited_place(export),
            new={"export": export.pk, "format": export.format, "rows": export.rows_written},
        )
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"incidents-{stamp}.{export.format}",
        content_type=CONTENT_TYPES[Format(export.format)],
    )
