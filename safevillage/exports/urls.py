from django.urls import path

from safevillage.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.exports, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download", views.download, name="download"),
]
