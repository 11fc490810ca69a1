"""One-tap actions from the home page's work queue.

"Acknowledge" on a new record posts here (CSRF-checked; with htmx or as a plain form). It
calls the same action as the record's page (``actions.acknowledge`` through its form, with the
version the officer saw), so the rules, the audit event and the conflict check are the same.
With htmx the answer is the queue's "new records" part again, without the record; without
scripts, the home page again with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.scoping import access_or_404
from safevillage.incidents import actions
from safevillage.incidents.action_forms import AcknowledgeForm
from safevillage.incidents.models import Incident
from safevillage.workqueue.queues import COMMUNE_ROLES, commune_queue


@login_required
@require_POST
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    user: Any = request.user
    incident = access_or_404(Incident.objects.visible_to(user), reference=reference)
    form = AcknowledgeForm(request.POST, incident=incident, user=user)
    ok = False
    if not form.is_valid():
        message = _("This form is out of date: reload the page.")
    else:
        try:
            form.perform()
        except actions.ActionError as exc:
            message = exc.message
        else:
            ok = True
            message = _("%(reference)s is acknowledged.") % {"reference": incident.reference}
    if not getattr(request, "htmx", False):
        (messages.success if ok else messages.error)(request, message)
        return redirect("home")
    return _new_records_part(request, incident, message, ok)


def _new_records_part(request: HttpRequest, incident: Incident, message: str, ok: bool) -> HttpResponse:
    """The "new records" part of the queue the button was in, as it stands now."""
    user: Any = request.user
    commune_code = incident.place_code[:6]
    # The queue the button was in (police and council queues of one commune are two parts).
    posted = request.POST.get("queue", "")
    roles = [posted] if posted in COMMUNE_ROLES else list(COMMUNE_ROLES)
    assignment = (
        RoleAssignment.objects.active()
        .filter(user_id=user.pk, role__in=roles, place__code=commune_code)
        .select_related("place")
        .order_by("role")
        .first()
    )
    if assignment is None or assignment.place is None:
        # Acknowledged from somewhere else than a commune's queue: the home page shows it all.
        (messages.success if ok else messages.error)(request, message)
        return HttpResponseClientRedirect(reverse("home"))
    queue = commune_queue(user, assignment.role, assignment.place, timezone.now())
    section = next(s for s in queue.sections if s.key == "new")
    context = {"queue": queue, "section": section, "flash": message, "flash_ok": ok}
    # 200 even when refused: htmx swaps no 4xx answer, and the part carries the message.
    return render(request, "workqueue/_section.html", context)
