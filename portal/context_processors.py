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
