"""Writes of the portal core: API tokens and the user's own profile."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import Conflict
from .models import ApiToken, User

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_otp.plugins.otp_totp.models import TOTPDevice

TOKEN_BYTES = 30
MAX_ACTIVE_TOKENS = 20


def api_token_digest(key: str) -> str:
    """SHA-256 of a key: keys are long random strings, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def active_tokens(user: User) -> "QuerySet[ApiToken]":
    """The user's tokens that still work (not revoked)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


@transaction.atomic
def api_token_create(
    *, user: User, name: str, actor: User | None, two_factor_verified: bool = False
) -> tuple[ApiToken, str]:
    """Create a named API key for `user`; the plain key is returned once and never stored.

    `two_factor_verified` says the owner proved a second factor just now; only such tokens work
    for people who must use two-factor login (`portal.security.token_usable`).
    """
    if actor is not None and actor != user:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, such as the script that uses it.")}
        )
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            _("You already have %(n)s active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
        )
    key = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        digest=api_token_digest(key),
        is_two_factor_verified=two_factor_verified,
    )
    token.full_clean()
    token._history_user = actor  # type: ignore[attr-defined]
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke a key: it stops working at once; the row stays as a record."""
    if actor is not None and actor.pk != token.user_id:
        raise PermissionDenied
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["revoked_at"])
    return locked


def api_token_user(key: str) -> tuple[User, ApiToken] | None:
    """The active user and token behind a key, or None; records when it was last used."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=api_token_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute, so reads do not turn into writes on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


@dataclass(frozen=True)
class ProfileData:
    full_name: str
    title: str
    email: str
    preferred_language: str
    time_zone: str


@transaction.atomic
def user_profile_update(*, user: User, actor: User, data: ProfileData) -> User:
    """A user edits their own name, title, e-mail, language and time zone."""
    if actor.pk != user.pk:
        raise PermissionDenied
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.full_name = data.full_name
    locked.title = data.title
    locked.email = data.email
    locked.preferred_language = data.preferred_language
    locked.time_zone = data.time_zone
    locked.full_clean(exclude=["password"])
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["full_name", "title", "email", "preferred_language", "time_zone"])
    return locked


@dataclass(frozen=True)
class UserData:
    username: str
    full_name: str
    organisation: str
    title: str
    email: str
    roles: tuple[str, ...]
    is_superuser: bool = False


@transaction.atomic
def user_ensure(*, data: UserData, password: str, actor: User | None) -> tuple[User, bool]:
    """Create the user with these roles if missing (by username); returns (user, created).

    An existing user is left as it is, so re-running a seed never undoes an administrator's
    changes.
    """
    from django.contrib.auth.models import Group

    existing = User.objects.filter(username=data.username).first()
    if existing is not None:
        return existing, False
    user = User(
        username=data.username,
        full_name=data.full_name,
        organisation=data.organisation,
        title=data.title,
        email=data.email,
        is_superuser=data.is_superuser,
        is_staff=data.is_superuser,
    )
    user.full_clean(exclude=["password"])
    # Every path that sets a password runs the validators (AUTH_PASSWORD_VALIDATORS).
    validate_password(password, user)
    user.set_password(password)
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    user.groups.set(Group.objects.filter(name__in=data.roles))
    return user, True


@transaction.atomic
def user_language_set(*, user: User, actor: User, language: str) -> User:
    """Save the language a user chose in the switcher (pages and e-mails then use it)."""
    if actor.pk != user.pk:
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose one of the portal's languages.")})
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.preferred_language == language:
        return locked
    locked.preferred_language = language
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["preferred_language"])
    return locked


# Two-factor login (TOTP authenticator apps, django-otp) and deactivation.

TWO_FACTOR_DEVICE_NAME = "Authenticator app"


def two_factor_pending_device(*, user: User) -> "TOTPDevice":
    """The user's not-yet-confirmed authenticator (created on first use), to show as a QR code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TWO_FACTOR_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, token: str, actor: User) -> "TOTPDevice":
    """Confirm the pending authenticator with a current code; it replaces any older one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.pk != user.pk:
        raise PermissionDenied
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(token.strip()):
        raise ValidationError({"token": _("That code is not right. Enter the current code.")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # From now on a password alone is not enough: tokens made without a second factor stop.
    for unverified in active_tokens(user).filter(is_two_factor_verified=False):
        api_token_revoke(token=unverified, actor=actor)
    return device


@transaction.atomic
def two_factor_disable(*, user: User, token: str, actor: User, required: bool) -> None:
    """Turn two-factor login off (a current code proves it is the owner); not when required."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.pk != user.pk:
        raise PermissionDenied
    if required:
        raise Conflict(_("Your role must log in with two-factor authentication."))
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return
    if not device.verify_token(token.strip()):
        raise ValidationError({"token": _("That code is not right. Enter the current code.")})
    TOTPDevice.objects.filter(user=user).delete()


def user_sessions_end(*, user: User) -> int:
    """Delete every stored session of the user; returns how many ended."""
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_access_end(*, user: User) -> None:
    """A deactivated user's sessions end and their API tokens are revoked at once."""
    user_sessions_end(user=user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
