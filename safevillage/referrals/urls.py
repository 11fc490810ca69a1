"""Pages of the Rapid Response Team referrals (404 for everyone they are not for)."""

from django.urls import path

from safevillage.referrals import programme_views as programme
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
    # The coordinator's pages (programme.py): teams, providers, the audit chain's verdicts.
    path("programme/", programme.index, name="programme"),
    path("programme/teams/new/", programme.team_new, name="team_new"),
    path("programme/teams/<int:pk>/", programme.team, name="team"),
    path("programme/teams/<int:pk>/members/", programme.team_member_add, name="team_member_add"),
    path("programme/teams/<int:pk>/members/state/", programme.team_member_state, name="team_member_state"),
    path("programme/teams/<int:pk>/state/", programme.team_state, name="team_state"),
    path("programme/providers/new/", programme.provider_new, name="provider_new"),
    path("programme/providers/<int:pk>/", programme.provider, name="provider"),
    path("programme/providers/<int:pk>/staff/", programme.provider_staff_add, name="provider_staff_add"),
    path("programme/providers/<int:pk>/staff/remove/", programme.provider_staff_remove, name="provider_staff_remove"),
    path("programme/providers/<int:pk>/state/", programme.provider_state, name="provider_state"),
]
