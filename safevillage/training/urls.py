from django.urls import path

from safevillage.training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/scores/", views.scores, name="scores"),
]
