"""Root URLs: admin, accounts, the portal's pages, each app, the API and health."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from overview.views import DashboardView

from . import views
from .api.permissions import CanReadProgrammeStatus

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

urlpatterns = [
    path("", DashboardView.as_view(), name="home"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/tokens/", views.api_token_create_view, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="token-revoke"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", views.notification_read_all_view, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read_view, name="notification-read"),
    path(
        "notifications/preferences/",
        views.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("", include("collaboration.urls")),
    path("delegations/", include("delegations.urls")),
    path("mou/", include("mou.urls")),
    path("genebank/", include("genebank.urls")),
    path("reports/", include("reports.urls")),
    path("overview/", include("overview.urls")),
    path("search/", include("search.urls")),
    path("events/", include("events.urls")),
    path("profile/two-factor/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("profile/two-factor/disable/", views.two_factor_disable_view, name="two-factor-disable"),
    path("accounts/two-factor/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("portal.api.urls")),
    path(
        "api/docs/",
        login_required(
            # The init script is served from ?script, not inline: the CSP allows no inline code.
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema",
                template_name="portal/swagger_ui.html",
                permission_classes=[CanReadProgrammeStatus],
            )
        ),
        name="api-docs",
    ),
    # Django's set_language, plus remembering the choice on the account (open to visitors).
    path("i18n/setlang/", views.language_set_view, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]
