"""Pages of the police posts. A place is its NCDD code, or KH for the whole country."""

from django.urls import path

import safevillage.reports.urls  # noqa: F401  # registers the report_place converter
from safevillage.posts import views

app_name = "posts"

urlpatterns = [
    path("", views.index, name="index"),
    path("<report_place:place>/", views.place, name="place"),
    path("<report_place:place>/shift/", views.shift, name="shift"),
    path("<report_place:place>/equipment/", views.equipment, name="equipment"),
    path("<report_place:place>/budget/", views.budget, name="budget"),
]
