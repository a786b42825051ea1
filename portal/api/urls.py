"""The API's one routing table: every endpoint under /api/v1/ is registered here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .views import ApiRootView, ApiTokenViewSet, MeView, TokenLoginView

app_name = "api"

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")

ApiRootView.registry = [(prefix, basename) for prefix, _viewset, basename in router.registry]

urlpatterns = [
    path("v1/", ApiRootView.as_view(), name="root"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/auth/token/", TokenLoginView.as_view(), name="token-login"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
