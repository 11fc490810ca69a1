"""Pages of the safety classification: a place is its NCDD code, or KH for the whole country;
a period a DHIS2 period identifier; ``?framework=2010`` or ``2021`` (default: the one in force)."""

from django.urls import path

from safevillage.reports import urls as _report_urls  # noqa: F401  # registers the place and period converters
from safevillage.safety import views

app_name = "safety"
urlpatterns = [
    path("", views.index, name="index"),
    path("<report_place:place>/<report_period:period>/", views.detail, name="detail"),
]
