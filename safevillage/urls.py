from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from safevillage.core import views as core_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("safevillage.api.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

# Pages carry no language prefix: the language is the user's choice (cookie), Khmer first.
urlpatterns += [
    path("", core_views.home, name="home"),
    path("accounts/", include("safevillage.accounts.urls")),
    path("places/", include("safevillage.places.urls")),
    path("audit/", include("safevillage.audit.urls")),
    path("incidents/", include("safevillage.incidents.urls")),
    path("reports/", include("safevillage.reports.urls")),
    path("safety/", include("safevillage.safety.urls")),
    path("maps/", include("safevillage.maps.urls")),
    path("integrity/", include("safevillage.integrity.urls")),
    path("rankings/", include("safevillage.ranking.urls")),
    path("awards/", include("safevillage.awards.urls")),
    path("public/", include("safevillage.public.urls")),
    path("jobs/", include("safevillage.jobs.urls")),
    path("posts/", include("safevillage.posts.urls")),
    path("training/", include("safevillage.training.urls")),
    path("pilots/", include("safevillage.pilots.urls")),
    path("forums/", include("safevillage.forums.urls")),
    path("disputes/", include("safevillage.disputes.urls")),
    path("referrals/", include("safevillage.referrals.urls")),
    path("queue/", include("safevillage.workqueue.urls")),
    path("exports/", include("safevillage.exports.urls")),
    path("open/", include("safevillage.portal.urls")),
    # The admin's own password change would allow unlimited guesses of the current password.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]

# Django's own error answers; under /api/ they are problem details like the API's (api/errors.py).
handler400 = "safevillage.api.errors.bad_request"
handler404 = "safevillage.api.errors.page_not_found"
handler500 = "safevillage.api.errors.server_error"
