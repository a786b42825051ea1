"""Root URLs: admin, accounts, the portal's pages, each app, the API and health."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from . import views

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/tokens/", views.api_token_create_view, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="token-revoke"),
    path("", include("collaboration.urls")),
    path("delegations/", include("delegations.urls")),
    path("mou/", include("mou.urls")),
    path("reports/", include("reports.urls")),
    path("overview/", include("overview.urls")),
    path("search/", include("search.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("portal.api.urls")),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
]
