"""A record's pages: intake (``create``), the record (``detail``) and its action forms (``act``).

Every page starts from ``Incident.objects.visible_to(user)``: a record outside the user's
area is the same 404 as a missing one. Names of the people involved are shown only to users
holding ``incidents.identities`` at the record's place, and each page showing them is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safevillage.accounts.scoping import access_or_404, can
from safevillage.audit.models import AuditEvent
from safevillage.incidents import actions
from safevillage.incidents.action_forms import SEGMENT_BY_ACTION, ActionForm, form_class
from safevillage.incidents.closing import closure_words
from safevillage.incidents.deadlines import classify, next_deadline, worst
from safevillage.incidents.forms import IncidentForm, ItemFormSet, PersonFormSet, error_summary
from safevillage.incidents.history import collapse_history
from safevillage.incidents.models import Incident, PersonRole
from safevillage.incidents.workflow import IDENTITIES, RECORD, available_actions
from safevillage.places.models import Place


def _post(request: HttpRequest) -> QueryDict | None:
    """The form data, or None when the body is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def _too_large_message() -> str:
    return _("What you sent is too large and was not read. A description may have at most 10,000 characters.")


# --- intake ------------------------------------------------------------------------------


def _with_one_more(data: QueryDict, prefix: str) -> QueryDict:
    """The submitted data with one more empty row in a formset ("add another person")."""
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS", "0") or 0) + 1)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Record an incident (users holding incidents.record somewhere)."""
    if not can(request.user, RECORD):
        raise Http404
    user: Any = request.user
    status = 200
    summary: list[dict[str, str]] = []
    if request.method == "POST":
        data = _post(request)
        if data is None:
            form, people, items = IncidentForm(user=user), PersonFormSet(prefix="people"), ItemFormSet(prefix="items")
            summary = [{"anchor": "id_description", "message": _too_large_message()}]
            status = 400
        elif "add_person" in data or "add_item" in data:
            # Without scripts, a button adds a row: the page comes back with what was typed.
            data = _with_one_more(data, "people" if "add_person" in data else "items")
            form = IncidentForm(data, user=user)
            people, items = PersonFormSet(data, prefix="people"), ItemFormSet(data, prefix="items")
            context = _create_context(form, people, items, [])
            context["adding"] = True  # what was typed comes back, not yet checked: no error messages
            return render(request, "incidents/create.html", context)
        else:
            form = IncidentForm(data, user=user)
            people, items = PersonFormSet(data, prefix="people"), ItemFormSet(data, prefix="items")
            valid = form.is_valid() & people.is_valid() & items.is_valid()
            if valid:
                persons = [f.cleaned_data["person"] for f in people.forms if f.has_changed()]
                seized = [f.cleaned_data["item"] for f in items.forms if f.has_changed()]
                try:
                    incident = actions.create_incident(form.intake_data(persons, seized), by=user)
                except actions.ActionError as exc:
                    form.add_error(None, exc.message)
                    status = exc.status_code
                else:
                    messages.success(request, _("Recorded as %(reference)s.") % {"reference": incident.reference})
                    return redirect("incidents:detail", reference=incident.reference)
            else:
                status = 400
            summary = error_summary(form, people, items)
    else:
        form, people, items = IncidentForm(user=user), PersonFormSet(prefix="people"), ItemFormSet(prefix="items")
    return render(request, "incidents/create.html", _create_context(form, people, items, summary), status=status)


def _create_context(form: IncidentForm, people: Any, items: Any, summary: list[dict[str, str]]) -> dict[str, Any]:
    return {"form": form, "people": people, "items": items, "summary": summary}


# --- the record --------------------------------------------------------------------------


def _visible(request: HttpRequest, reference: str) -> Incident:
    incidents = Incident.objects.visible_to(request.user).select_related(
        "category", "village", "assigned_to", "created_by"
    )
    return access_or_404(incidents, reference=reference)


def _summary_context(incident: Incident) -> dict[str, Any]:
    """What the top of a record's page and of its action pages shows: where, what state in
    words, the next deadline and how late the record is."""
    missed = classify(incident)
    return {
        "incident": incident,
        "commune": Place.objects.filter(code=incident.place_code[:6]).first(),
        "missed": missed,
        "late": worst(missed),
        "next_due": next_deadline(incident),
        "closure_words": closure_words(incident),
    }


def _detail_context(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    user: Any = request.user
    people = list(incident.people.order_by("id"))
    show_names = can(user, IDENTITIES, incident.place_code)
    named = [p.pk for p in people if p.name]
    complainant_named = bool(incident.complainant_name or incident.complainant_phone)
    if show_names and (named or complainant_named):
        actions.record_identity_view(incident, by=user, people=named, complainant=complainant_named)
    codes = [incident.place_code[:n] for n in (2, 4, 6)]
    events = (
        AuditEvent.objects.filter(target_type="incidents.incident", target_id=str(incident.pk))
        .only("seq", "occurred_at", "action", "actor_id", "actor_label")
        .order_by("seq")
    )
    return {
        **_summary_context(incident),
        "places": Place.objects.filter(code__in=codes).order_by("code"),
        "people": people,
        "show_names": show_names,
        "victim_role": PersonRole.VICTIM,
        "items": incident.seized_items.order_by("id"),
        "notes": incident.notes.select_related("author"),
        "tags": incident.tags.all(),
        "action_links": _action_links(user, incident),
        "history": collapse_history(events.iterator()),
    }


def _action_links(user: Any, incident: Incident) -> list[dict[str, Any]]:
    """The actions the record's status allows this user (segment, title, danger): the page
    lists them as buttons, the dangerous ones apart and last."""
    links = []
    for action in available_actions(user, incident):
        segment = SEGMENT_BY_ACTION.get(action)
        cls = form_class(segment, incident) if segment else None
        if segment and cls is not None:
            links.append({"segment": segment, "title": cls.title, "danger": cls.danger})
    return sorted(links, key=lambda link: link["danger"])


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    incident = _visible(request, reference)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@login_required
@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, reference: str, segment: str) -> HttpResponse:
    """One action of a record, on a page of its own: the record's summary and only this
    action's form (GET), which posts back here. A refused action shows the form again with
    the message (400 bad input or transition, 403 not allowed, 409 changed meanwhile)."""
    incident = _visible(request, reference)
    cls = form_class(segment, incident)
    if cls is None:
        raise Http404
    user: Any = request.user
    if request.method == "GET":
        return _action_page(request, incident, segment, cls(incident=incident, user=user))
    data = _post(request)
    if data is None:
        return _action_page(request, incident, segment, cls(incident=incident, user=user), _too_large_message(), 400)
    form = cls(data, incident=incident, user=user)
    if not form.is_valid():
        return _action_page(request, incident, segment, form, status=400)
    try:
        form.perform()
    except (actions.Conflict, actions.NotPermitted, actions.NotAllowed) as exc:
        # The record changed or cannot take this action: show it as it is now, with a fresh form.
        incident.refresh_from_db()
        fresh = form_class(segment, incident) or cls
        return _action_page(
            request, incident, segment, fresh(incident=incident, user=user), exc.message, exc.status_code
        )
    except actions.ActionError as exc:
        form.add_error(form.field_for(exc.field), exc.message)
        return _action_page(request, incident, segment, form, status=exc.status_code)
    messages.success(request, str(form.done_message))
    return redirect("incidents:detail", reference=incident.reference)


def _action_page(
    request: HttpRequest, incident: Incident, segment: str, form: ActionForm, page_error: str = "", status: int = 200
) -> HttpResponse:
    user: Any = request.user
    context = {
        **_summary_context(incident),
        "segment": segment,
        "form": form,
        # The action may no longer be open to this user (the status changed): no form then.
        "available": form.action in available_actions(user, incident),
        "page_error": page_error,
        "summary": error_summary(form) if form.is_bound else [],
    }
    return render(request, "incidents/action.html", context, status=status)
