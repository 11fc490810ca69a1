"""Pages of the public forums. A place is its NCDD code, or KH for the whole country."""

from django.urls import path

import safevillage.reports.urls  # noqa: F401  # registers the report_place converter
from safevillage.forums import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("forum/<int:pk>/", views.detail, name="detail"),
    path("forum/<int:pk>/review/<int:issue>/", views.review, name="review"),
    path("<report_place:place>/", views.place, name="place"),
    path("<report_place:place>/new/", views.new, name="new"),
]
