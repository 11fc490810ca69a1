"""Maps: a place is its NCDD code (down to the commune) or KH for the whole country; a period
a DHIS2 period identifier; ``?indicator=`` one of ``maps.measures.INDICATORS``."""

from django.urls import path

from safevillage.maps import views
from safevillage.reports import urls as _report_urls  # noqa: F401  # registers the place and period converters

app_name = "maps"
urlpatterns = [
    path("", views.index, name="index"),
    path("<report_place:place>/", views.area, name="area"),
    path("<report_place:place>/<report_period:period>/", views.detail, name="detail"),
]
