"""The API's one routing table: every endpoint under /api/v1/ is registered here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from collaboration.api import meeting_views
from collaboration.api import views as collaboration
from delegations.api import views as delegations
from events.api import views as events
from genebank.api import views as genebank
from mou.api import views as mou
from overview.api.views import ProgrammeStatusView
from reports.api import views as reports
from search.api import views as search

from . import schema  # noqa: F401  (registers the OpenAPI extensions before any schema is built)
from .permissions import CanReadProgrammeStatus
from .views import ApiRootView, ApiTokenViewSet, MeView, NotificationViewSet, TokenLoginView

app_name = "api"

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("notifications", NotificationViewSet, basename="notification")
# collaboration
router.register("programmes", collaboration.ProgrammeViewSet, basename="programme")
router.register("priority-areas", collaboration.PriorityAreaViewSet, basename="priority-area")
router.register("capabilities", collaboration.CapabilityViewSet, basename="capability")
router.register("team-members", collaboration.TeamMemberViewSet, basename="team-member")
router.register("recommendations", collaboration.RecommendationViewSet, basename="recommendation")
router.register("meetings", meeting_views.MeetingViewSet, basename="meeting")
router.register("action-items", meeting_views.ActionItemViewSet, basename="action-item")
# delegations
router.register("visits", delegations.VisitViewSet, basename="visit")
router.register("sites", delegations.SiteViewSet, basename="site")
# mou
router.register("mous", mou.MouViewSet, basename="mou")
# genebank
router.register("genebank/cohorts", genebank.CohortViewSet, basename="cohort")
router.register("genebank/agreements", genebank.AgreementViewSet, basename="agreement")
router.register("genebank/approvals", genebank.ApprovalViewSet, basename="approval")
router.register("genebank/transfers", genebank.TransferViewSet, basename="transfer")
# reports
router.register("reports", reports.ReportViewSet, basename="report")
# events
router.register("events", events.EventViewSet, basename="event")
router.register("webhooks", events.WebhookSubscriptionViewSet, basename="webhook")

ApiRootView.registry = [(prefix, basename) for prefix, _viewset, basename in router.registry]

urlpatterns = [
    path("v1/", ApiRootView.as_view(), name="root"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/status/", ProgrammeStatusView.as_view(), name="status"),
    path("v1/auth/token/", TokenLoginView.as_view(), name="token-login"),
    # A file name: no trailing slash after ".ics", unlike the router's routes.
    path(
        "v1/visits/<int:pk>/calendar.ics",
        delegations.VisitViewSet.as_view({"get": "calendar"}),
        name="visit-calendar",
    ),
    # search and traceability
    path("v1/search/", search.SearchApiView.as_view(), name="search"),
    path("v1/trace/<str:kind>/<int:id>/", search.TraceApiView.as_view(), name="trace"),
    path("v1/", include(router.urls)),
    # The schema describes the API to those who may read it: people inside government and
    # machine accounts (not BGI's liaison).
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[CanReadProgrammeStatus]),
        name="schema",
    ),
]
