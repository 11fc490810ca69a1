"""Pages of the register. Record pages (intake, detail, actions) live in views/record.py;
lists and overdue in views/register.py; exports are
safevillage/exports."""

from django.urls import path, re_path

from safevillage.incidents.views import record, register

app_name = "incidents"
urlpatterns = [
    # views/register.py
    path("", register.incident_list, name="list"),
    path("overdue/", register.overdue_list, name="overdue"),
    # views/record.py
    path("new/", record.create, name="create"),
    # A record's page and its action forms match only a reference, so they shadow no other page.
    re_path(r"^(?P<reference>[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{6,})/$", record.detail, name="detail"),
    *[
        re_path(
            rf"^(?P<reference>[0-9]{{2}}-[0-9]{{4}}-[0-9]{{4}}-[0-9]{{6,}})/{segment}/$",
            record.act,
            {"segment": segment},
            name=segment,
        )
        for segment in ("acknowledge", "investigate", "close", "reopen", "assign", "note", "withdraw")
    ],
]
