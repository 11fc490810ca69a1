"""Pages of the Rapid Response Team referrals (404 for everyone they are not for)."""

from django.urls import path

from safevillage.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/service/", views.serve, name="serve"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]
