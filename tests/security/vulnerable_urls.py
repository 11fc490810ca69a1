"""The URLconf of safevillage.settings_security_test ONLY: the application's URLs plus one
deliberately vulnerable control endpoint for the SQL-injection scan. Never include this
module anywhere else."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from safevillage.urls import urlpatterns as application_urls

CONTROL_PATH = "security-control/places/"


def injectable_place_search(request: HttpRequest) -> JsonResponse:
    """DELIBERATELY VULNERABLE: the query parameter is pasted into the SQL text. This is the
    scan's positive control; the application never builds SQL like this."""
    name = request.GET.get("name", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, name_latin FROM places_place WHERE name_latin = '" + name + "'")  # noqa: S608
        rows = cursor.fetchall()
    return JsonResponse({"results": [{"code": code, "name": latin} for code, latin in rows]})


urlpatterns = [path(CONTROL_PATH, injectable_place_search), *application_urls]
