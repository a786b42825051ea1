"""Request middleware: login required by default, the second login step, each user's own
time zone, and the Permissions-Policy header."""

import time
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext


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


class PermissionsPolicyMiddleware:
    """Turns off browser features the portal never uses (camera, microphone, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class TwoFactorMiddleware:
    """The second login step: a user with a confirmed authenticator must enter a code, and a
    privileged user who must use two-factor login (REQUIRE_2FA_FOR_PRIVILEGED) must set it up,
    before any other page (or session-authenticated API call) opens."""

    EXEMPT_URL_NAMES = frozenset(
        {"two-factor-verify", "two-factor-setup", "logout", "login", "set_language", "healthz"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import security  # imports models; the app registry is ready by the first request

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in self.EXEMPT_URL_NAMES:
            return None
        step = security.two_factor_step(request)
        if step is None:
            return None
        if match is not None and "api" in match.namespaces:
            return JsonResponse(
                {
                    "error": {
                        "code": "two_factor_required",
                        "message": gettext("Finish two-factor login in the portal first."),
                    }
                },
                status=403,
            )
        target = reverse("two-factor-verify" if step == "verify" else "two-factor-setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# Set by the language switcher for a visitor who is not signed in yet (the login page).
LANGUAGE_CHOSEN_SESSION_KEY = "portal_language_chosen"


class UserLanguageMiddleware:
    """A signed-in user sees the language saved on their account, on every device.

    LocaleMiddleware has already picked a language from the cookie or the browser; for a
    signed-in user `User.preferred_language` wins, and the language cookie is brought in line so
    the login page keeps it after logout. A language chosen on the login page, before signing
    in, becomes the user's saved preference at login. Place after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "")
        if (
            language
            and user is not None
            and user.is_authenticated
            and translation.check_for_language(language)
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        user = getattr(request, "user", None)  # login() replaces it during the request
        if user is None or not user.is_authenticated:
            return response
        language = user.preferred_language
        chosen = request.session.pop(LANGUAGE_CHOSEN_SESSION_KEY, None)
        if chosen and chosen != language:
            from .services import user_language_set

            language = user_language_set(user=user, actor=user, language=chosen).preferred_language
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


SESSION_RENEWED_AT_KEY = "_portal_renewed_at"


class SessionIdleRenewalMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without use: a logged-in user's session is
    saved again (renewing its expiry) when it was last renewed over SESSION_RENEW_AFTER_SECONDS
    ago, rather than on every request (SESSION_SAVE_EVERY_REQUEST), so pages stay read-only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and "_auth_user_id" in session:
            now = int(time.time())
            renewed_at = session.get(SESSION_RENEWED_AT_KEY, 0)
            if now - renewed_at >= getattr(settings, "SESSION_RENEW_AFTER_SECONDS", 60):
                session[SESSION_RENEWED_AT_KEY] = now
        return self.get_response(request)
