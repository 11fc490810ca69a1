"""The REST API, version 1. Wiring only: serializers and viewsets live beside this file,
one module per domain noun, and call the apps' actions."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from safevillage.api import docs
from safevillage.api.audit import AuditEventViewSet, AuditVerifyView
from safevillage.api.awards import AwardRoundViewSet
from safevillage.api.errors import problem_type
from safevillage.api.incidents import IncidentViewSet
from safevillage.api.integrity import FlagListView
from safevillage.api.people import PersonViewSet
from safevillage.api.pilots import PilotViewSet
from safevillage.api.places import PlaceViewSet
from safevillage.api.policy import CategoryViewSet, ContextTagViewSet, CriterionViewSet, PublicCategoryViewSet
from safevillage.api.public import ComplaintView
from safevillage.api.public_status import ComplaintStatusView
from safevillage.api.rankings import RankingView
from safevillage.api.referrals import ReferralViewSet
from safevillage.api.reports import ReportView
from safevillage.api.safety import SafetyView

router = DefaultRouter()
router.register("places", PlaceViewSet, basename="place")
router.register("people", PersonViewSet, basename="person")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("audit/events", AuditEventViewSet, basename="audit-event")
router.register("categories", CategoryViewSet, basename="category")
router.register("context-tags", ContextTagViewSet, basename="context-tag")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("public/categories", PublicCategoryViewSet, basename="public-category")
router.register("pilots", PilotViewSet, basename="pilot")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("awards", AwardRoundViewSet, basename="award-round")

urlpatterns = [
    path("v1/audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("v1/public/complaints/", ComplaintView.as_view(), name="public-complaint"),
    path("v1/public/complaints/status/", ComplaintStatusView.as_view(), name="public-complaint-status"),
    path("v1/reports/<str:place_code>/<str:period>/", ReportView.as_view(), name="report"),
    path("v1/safety/<str:place_code>/<str:period>/", SafetyView.as_view(), name="safety"),
    path("v1/integrity/flags/", FlagListView.as_view(), name="integrity-flags"),
    path("v1/rankings/<str:place_code>/<str:period>/", RankingView.as_view(), name="rankings"),
    path("v1/", include(router.urls)),
    path("problems/<slug:slug>/", problem_type, name="problem-type"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.swagger, name="api-docs"),
]
