"""Pages of the result reports. A place is its NCDD code, or KH for the whole country; a
period is a DHIS2 period identifier (202601, 2026Q1, 2026S1, 2026)."""

from django.urls import path, register_converter

from safevillage.reports import views


class PlaceConverter:
    regex = "[0-9]{2,8}|KH"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class PeriodConverter:
    # Loose on purpose: a malformed period reaches the view, which says what is wrong (400).
    regex = "[^/]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PlaceConverter, "report_place")
register_converter(PeriodConverter, "report_period")

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("completeness/<report_place:place>/<report_period:period>/", views.completeness, name="completeness"),
    path("<report_place:place>/<report_period:period>/", views.detail, name="detail"),
    path("<report_place:place>/<report_period:period>/report.<str:fmt>", views.export, name="export"),
    path("<report_place:place>/<report_period:period>/communes.csv", views.communes, name="communes"),
    path("<report_place:place>/<report_period:period>/edit/", views.edit, name="edit"),
    path("<report_place:place>/<report_period:period>/<str:action>/", views.step, name="step"),
]
