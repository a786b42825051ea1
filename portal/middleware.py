"""Request middleware: login required by default, and each user's own time zone."""

import zoneinfo

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import timezone


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login-required default, except for the REST API.

    Views in the `api` URL namespace authenticate themselves (token or session) and answer
    401 JSON instead of redirecting a script to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None and "api" in match.namespaces:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UserTimezoneMiddleware:
    """Shows times in the viewer's time zone (stored in UTC, contract 7)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
