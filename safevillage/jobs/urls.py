from django.urls import path

from safevillage.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.runs, name="runs"),
]
