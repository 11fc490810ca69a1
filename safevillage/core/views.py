from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.scoping import prefixes
from safevillage.places.models import Place
from safevillage.workqueue.queues import queues_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the public's door for visitors; for an officer, the work queue of
    each of their roles (``workqueue.queues``), then their roles and places."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        codes = [code for code in prefixes(request.user, "places.view") if code]
        context["my_places"] = Place.objects.filter(code__in=codes)
        context["whole_country"] = "" in prefixes(request.user, "places.view")
        # The user's own role assignments, in force now (roles and places, both scripts).
        assignments = list(
            RoleAssignment.objects.active().filter(user=request.user).select_related("place").order_by("started_at")
        )
        context["my_assignments"] = assignments
        context["queues"] = queues_for(request.user, assignments)
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
