"""What the overview's reads share: the look-ahead window and how a person is named."""

from __future__ import annotations

from typing import Any

# How many days ahead "upcoming" looks on the dashboards.
UPCOMING_DAYS = 14


def person_name(user: Any) -> str:
    """The user's display name, or "" for nobody."""
    return user.display_name if user is not None else ""
