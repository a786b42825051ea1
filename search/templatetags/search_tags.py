"""Template helpers of the search app: whether the viewer gets the search box."""

from typing import Any

from django import template

from .. import policies

register = template.Library()


@register.simple_tag
def may_search(user: Any) -> bool:
    return policies.can_search(user)


@register.simple_tag
def may_trace(user: Any) -> bool:
    return policies.can_view_traceability(user)
