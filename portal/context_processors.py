"""Template context shared by every page: the navigation the viewer may use, and their roles."""

from django.http import HttpRequest

from . import policies
from .models import Role
from .navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    names = policies.role_names(user)
    return {
        "nav_items": nav_for(user, request.path),
        "user_roles": [role.label for role in Role if role.value in names],
    }


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count: one cheap query, only for signed-in users, and only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from .notifications import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
