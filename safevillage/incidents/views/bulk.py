"""The register's bulk form: acknowledge or assign the selected records, and say what happened
to each one (``incidents.bulk``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safevillage.accounts.models import User
from safevillage.accounts.scoping import can
from safevillage.incidents import bulk

# The register's query string, to go back to the same page; longer is not ours.
MAX_BACK = 2_000


def _selected(data: Any) -> list[bulk.Selected]:
    """The ticked records: each ``id:version``, the version the register showed."""
    selected: list[bulk.Selected] = []
    seen: set[int] = set()
    for raw in data.getlist("ids"):
        pk, _sep, version = raw.partition(":")
        if not _number(pk) or int(pk) in seen:
            continue
        seen.add(int(pk))
        selected.append(bulk.Selected(int(pk), int(version) if _number(version) else None))
    return selected


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "incidents.view"):
        raise Http404
    action = request.POST.get("action", "")
    back = request.POST.get("back", "")
    context: dict[str, Any] = {
        "action_label": bulk.ACTIONS.get(action, ""),
        "back": back if back.startswith("?") and len(back) <= MAX_BACK else "",
        "outcomes": [],
    }
    selected = _selected(request.POST)
    assignee: User | None = None
    error = ""
    if action not in bulk.ACTIONS:
        error = _("Choose what to do with the selected records.")
    elif not bulk.offers(user, action):
        error = _("You may not do this on records.")
    elif not selected:
        error = _("Select at least one record.")
    elif len(selected) > bulk.MAX_RECORDS:
        error = _("Select at most %(limit)d records at a time.") % {"limit": bulk.MAX_RECORDS}
    elif action == "assign":
        raw = request.POST.get("assignee", "")
        if _number(raw):
            assignee = User.objects.filter(is_active=True, pk=int(raw)).first()
        if assignee is None:
            error = _("Choose the person to assign the records to.")
    if error:
        context["error"] = error
        return render(request, "incidents/bulk_result.html", context, status=400)
    outcomes = bulk.run(user, action, selected, assignee)
    context["outcomes"] = outcomes
    context["done"] = sum(outcome.done for outcome in outcomes)
    context["refused"] = len(outcomes) - context["done"]
    return render(request, "incidents/bulk_result.html", context)
