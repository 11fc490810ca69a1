from django.urls import path

from safevillage.pilots import views

app_name = "pilots"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
]
