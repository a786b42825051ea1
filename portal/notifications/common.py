"""Settings, time zones and identifiers the reminder engine's parts share."""

from __future__ import annotations

import hashlib
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from smtplib import SMTPException
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from ..models import ReminderDelivery, User

TRANSIENT_ERRORS = (SMTPException, OSError)
Key = tuple[str, str, date, int, int]


# --- settings -------------------------------------------------------------------------------------


def site_url() -> str:
    """The portal's address for links in e-mails (SITE_URL, no trailing slash)."""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def absolute_url(path: str) -> str:
    """A link for an e-mail: SITE_URL plus the item's path."""
    if not path:
        return site_url() + "/"
    return urljoin(site_url() + "/", path)


def digest_hour() -> int:
    """The local hour from which a day's digest goes out (REMINDER_DIGEST_HOUR)."""
    return int(getattr(settings, "REMINDER_DIGEST_HOUR", 7))


def max_attempts() -> int:
    """How often a failed e-mail is tried before it is left failed (REMINDER_MAX_ATTEMPTS)."""
    return int(getattr(settings, "REMINDER_MAX_ATTEMPTS", 5))


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    """The user's time zone (the site's when theirs is unset or unknown)."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_now(user: User, now: datetime | None = None) -> datetime:
    """The moment `now` (default: now) on the user's clock."""
    return (now or timezone.now()).astimezone(user_zone(user))


def local_today(user: User, now: datetime | None = None) -> date:
    """Today's date where the user is (User.time_zone)."""
    return local_now(user, now).date()


def message_id_for(delivery: ReminderDelivery) -> str:
    """A Message-ID derived from the ledger key: the same reminder always has the same id."""
    digest = hashlib.sha256(delivery.unique_key.encode()).hexdigest()[:40]
    host = urlsplit(site_url()).hostname or "localhost"
    return f"<reminder.{digest}@{host}>"


@dataclass
class RunResult:
    """What one engine run did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
