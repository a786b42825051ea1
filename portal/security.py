"""Login security: the lockout response (django-axes), the two-factor login step (django-otp)
and what ends a deactivated user's access."""

import ipaddress
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device

from . import policies
from .exceptions import DomainError

TWO_FACTOR_SESSION_KEY = "_portal_two_factor_step"
_UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry)


def _is_trusted_proxy(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the person at the other end, for the lockout and the rate limits.

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES (addresses or networks): then the proxy's
    X-Forwarded-For is read from the right, skipping the trusted proxies, and the first other
    address is the client's. Without TRUSTED_PROXIES the header is ignored: anyone can write it.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted_proxy(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_trusted_proxy(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: keep the proxy's own address
    return remote


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


# Two factors on every way in: the web login, the token endpoint and every token. ---------------


class SecondFactorRequired(DomainError):
    """Token login for someone who must use two factors, without a valid current code."""

    code = "otp_required"
    status_code = 400


def two_factor_applies(user: Any) -> bool:
    """Whether this user must give a second factor to get in: they turned it on, or their role
    requires it."""
    return bool(user_has_device(user, confirmed=True) or two_factor_required(user))


def second_factor_check(request: HttpRequest, user: Any, code: str) -> Any:
    """The user's device that accepts `code` now, or None.

    A code is good once (django-otp's TOTP devices refuse a code at or before the last one
    used), and a wrong code counts as a failed login towards the lockout, as a wrong password
    does, so the six digits cannot be guessed by trying.
    """
    device = match_token(user, (code or "").strip()) if code and code.strip() else None
    if device is None:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=request,
        )
    return device


def token_login_second_factor(request: HttpRequest, user: Any, code: str) -> bool:
    """At the token endpoint, after a correct password: demand what the web login demands.

    Returns whether a second factor was proved (the new token is marked so). Raises
    SecondFactorRequired when the user must use two factors and `code` is missing or wrong,
    or when their role requires two-factor login they have not set up yet.
    """
    if user_has_device(user, confirmed=True):
        if not (code or "").strip():
            raise SecondFactorRequired(
                _("Two-factor login is on for this account: send the current code as “otp”.")
            )
        if second_factor_check(request, user, code) is None:
            raise SecondFactorRequired(
                _("That code is not right. Enter the current code."), code="otp_invalid"
            )
        return True
    if two_factor_required(user):
        raise SecondFactorRequired(
            _(
                "Your role must log in with two-factor authentication. Set it up on your "
                "profile page first, then ask for a token with the current code."
            ),
            code="two_factor_setup_required",
        )
    return False


def session_is_two_factor_verified(request: HttpRequest) -> bool:
    """Whether this web session passed the second login step (django-otp)."""
    user: Any = request.user
    return bool(getattr(user, "is_verified", None) is not None and user.is_verified())


def token_usable(user: Any, token: Any) -> bool:
    """A token made without a second factor does not work for someone whose role requires
    two-factor login. (When a user turns two-factor login on, their earlier tokens are revoked:
    `two_factor_confirm`.) Costs no query: roles are read once per request."""
    return bool(token.is_two_factor_verified or not two_factor_required(user))
