from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.scoping import prefixes
from safevillage.incidents.deadlines import overdue_records, reads_overdue
from safevillage.incidents.escalation import supervisor_panel
from safevillage.places.models import Place


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the public's door for visitors, the user's places when signed in."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        codes = [code for code in prefixes(request.user, "places.view") if code]
        context["my_places"] = Place.objects.filter(code__in=codes)
        context["whole_country"] = "" in prefixes(request.user, "places.view")
        # The user's own role assignments, in force now (roles and places, both scripts).
        context["my_assignments"] = (
            RoleAssignment.objects.active().filter(user=request.user).select_related("place").order_by("started_at")
        )
        # Supervisors (district and above): records escalated to them, overdue counts per commune.
        panel = context["supervisor_panel"] = supervisor_panel(request.user)
        if panel is None and reads_overdue(request.user):
            # The commune police: how many of their records are overdue, linked to the list.
            context["overdue_total"] = overdue_records(request.user).count()
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A translated page instead of Django's English one when a form's CSRF check fails."""
    return render(request, "403_csrf.html", status=403)
