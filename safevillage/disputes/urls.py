"""Pages of the out-of-court disputes. A place is its NCDD code, or KH for the whole country."""

from django.urls import path

import safevillage.reports.urls  # noqa: F401  # registers the report_place converter
from safevillage.disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.index, name="index"),
    path("case/<int:pk>/", views.detail, name="detail"),
    path("case/<int:pk>/session/", views.session, name="session"),
    path("case/<int:pk>/close/", views.close, name="close"),
    path("<report_place:place>/", views.place, name="place"),
    path("<report_place:place>/new/", views.new, name="new"),
]
