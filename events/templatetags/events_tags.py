"""`{% follow_button record %}`: the Follow / Unfollow form of a record's page."""

from __future__ import annotations

from typing import Any

from django import template

from ..services import can_follow, is_following

register = template.Library()


def follow_context(user: Any, subject: Any) -> dict[str, Any]:
    """What the button shows: whether the user may follow, and whether they do."""
    meta = subject._meta
    return {
        "can_follow": can_follow(user, subject),
        "following": is_following(user, subject),
        "label": f"{meta.app_label}.{meta.model_name}",
        "subject": subject,
    }


@register.inclusion_tag("events/includes/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], subject: Any) -> dict[str, Any]:
    return {
        **follow_context(context["request"].user, subject),
        "csrf_token": context.get("csrf_token"),
    }
