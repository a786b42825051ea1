"""Login security: the lockout response (django-axes), the two-factor login step (django-otp)
and what ends a deactivated user's access."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import policies

TWO_FACTOR_SESSION_KEY = "_portal_two_factor_step"
_UNKNOWN = "unknown"


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 after too many failed logins: the API's JSON error shape, or the lockout page."""
    minutes = cooloff_minutes()
    message = _(
        "Too many failed logins for this account from your address. "
        "Try again in %(minutes)s minutes, or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "locked_out", "message": message}}, status=429
        )
    else:
        response = render(
            request,
            "registration/lockout.html",
            {"message": message, "minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response


def is_privileged(user: Any) -> bool:
    """Roles that must log in with a second factor when REQUIRE_2FA_FOR_PRIVILEGED is on."""
    return policies.is_ministry_approver(user) or policies.is_administrator(user)


def _compute_step(user: Any) -> str | None:
    if user_has_device(user, confirmed=True):
        return "verify"
    if settings.REQUIRE_2FA_FOR_PRIVILEGED and is_privileged(user):
        return "setup"
    return None


def two_factor_step(request: HttpRequest) -> str | None:
    """What the logged-in user must still do: None, "verify" (enter a code) or "setup".

    Worked out once at login and kept in the session, so pages pay no extra query.
    """
    user: Any = request.user
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return None
    step = request.session.get(TWO_FACTOR_SESSION_KEY, _UNKNOWN)
    if step == _UNKNOWN:
        step = _compute_step(user)
        request.session[TWO_FACTOR_SESSION_KEY] = step
    return step


def forget_two_factor_step(request: HttpRequest) -> None:
    request.session.pop(TWO_FACTOR_SESSION_KEY, None)


@receiver(user_logged_in, dispatch_uid="portal.security.two_factor_at_login")
def _two_factor_at_login(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        from .middleware import SESSION_RENEWED_AT_KEY

        request.session[TWO_FACTOR_SESSION_KEY] = _compute_step(user)
        request.session[SESSION_RENEWED_AT_KEY] = int(time.time())


@receiver(
    pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal.security.note_deactivation"
)
def _note_deactivation(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._portal_deactivated = bool(
        instance.pk
        and not instance.is_active
        and sender.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal.security.end_access")
def _end_access_on_deactivation(sender: Any, instance: Any, **kwargs: Any) -> None:
    """However a user is deactivated (admin, service, shell), their sessions and API tokens
    stop working at once. (Each request also re-checks `is_active` in the auth backend.)"""
    if getattr(instance, "_portal_deactivated", False):
        from .services import user_access_end

        user_access_end(user=instance)
        instance._portal_deactivated = False


def two_factor_required(user: Any) -> bool:
    """Whether this user's role must use two-factor login."""
    return bool(settings.REQUIRE_2FA_FOR_PRIVILEGED and is_privileged(user))
