from django.urls import path

from safevillage.audit import views

app_name = "audit"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
