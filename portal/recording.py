"""Small helpers every app's services share: save with validation and the acting user, check
a permission, and calendar arithmetic."""

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models


def save_recorded(obj: models.Model, actor: Any, update_fields: list[str] | None = None) -> None:
    """Validate, record the acting user for history, and save (only `update_fields` if given)."""
    obj.full_clean()
    obj._history_user = actor  # type: ignore[attr-defined]
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=update_fields)


def require(allowed: bool) -> None:
    """Refuse with PermissionDenied unless the policy allowed it."""
    if not allowed:
        raise PermissionDenied


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, on the month's last day where that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
