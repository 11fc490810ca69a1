from django.urls import path, re_path

from safevillage.portal import views

app_name = "portal"

# Place codes are 2, 4 or 6 digits or KH (the country); periods are DHIS2 identifiers.
PLACE = r"(?P<place>KH|[0-9]{2}|[0-9]{4}|[0-9]{6})"
PERIOD = r"(?P<period>[0-9]{4}(?:[0-9]{2}|Q[0-9]|S[0-9])?)"

urlpatterns = [
    path("", views.index, name="index"),
    path("data-dictionary/", views.data_dictionary, name="dictionary"),
    re_path(rf"^{PLACE}/{PERIOD}/$", views.place_page, name="place"),
    re_path(rf"^{PLACE}/{PERIOD}\.csv$", views.place_csv, name="place_csv"),
    re_path(rf"^{PLACE}/{PERIOD}\.json$", views.place_json, name="place_json"),
]
