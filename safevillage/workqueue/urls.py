from django.urls import re_path

from safevillage.workqueue import views

app_name = "workqueue"
urlpatterns = [
    re_path(
        r"^acknowledge/(?P<reference>[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{6,})/$", views.acknowledge, name="acknowledge"
    ),
]
