from django.urls import path

from safevillage.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.flag_list, name="list"),
    path("flags/<int:pk>/", views.flag_detail, name="detail"),
]
