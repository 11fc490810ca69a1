"""Pages of the competition ranking: an area is its NCDD code, or KH for the whole country;
a period a DHIS2 period identifier; ``?level=commune`` (default) or ``officer``."""

from django.urls import path

from safevillage.ranking import views
from safevillage.reports import urls as _report_urls  # noqa: F401  # registers the place and period converters

app_name = "ranking"
urlpatterns = [
    path("", views.index, name="index"),
    path("<report_place:place>/<report_period:period>/", views.detail, name="detail"),
]
