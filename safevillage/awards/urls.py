from django.urls import path

from safevillage.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
