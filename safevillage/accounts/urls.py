from django.contrib.auth import views as auth_views
from django.urls import path

from safevillage.accounts import people_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("devices/", views.devices, name="devices"),
    path("devices/<int:pk>/revoke/", views.revoke_device, name="revoke_device"),
    path("people/", people_views.people, name="people"),
    path("people/new/", people_views.person_create, name="person_create"),
    path("people/import/", people_views.people_import, name="people_import"),
    path("people/<int:pk>/", people_views.person, name="person"),
    path("people/<int:pk>/roles/", people_views.person_assign, name="person_assign"),
    path("people/<int:pk>/active/", people_views.person_active, name="person_active"),
    path("people/<int:pk>/password/", people_views.person_password, name="person_password"),
    path("people/roles/<int:pk>/end/", people_views.assignment_end, name="assignment_end"),
]
