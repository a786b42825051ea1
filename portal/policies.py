"""Role predicates: the one place that knows which groups mean which role.

Domain apps build their object rules (`<app>/policies.py`) on these; templates never
check groups, views pass the answers in.
"""

from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Q, QuerySet

from .models import Role


def with_role_names(users: QuerySet) -> QuerySet:
    """Users with their role names read in the same query (PostgreSQL), so `role_names` asks
    nothing more; other databases read them on first use."""
    if connections[users.db].vendor != "postgresql":
        return users
    return users.annotate(
        _role_list=ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=[])
    )


def role_names(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_role_names", None)
    if cached is None:
        listed = getattr(user, "_role_list", None)
        if listed is not None:
            cached = frozenset(listed)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_role_names = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(role_names(user) & {role.value for role in roles})


def is_administrator(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active) or (
        has_role(user, Role.ADMINISTRATOR)
    )


def is_ministry_approver(user: Any) -> bool:
    return has_role(user, Role.APPROVER)


def is_ministry(user: Any) -> bool:
    """Ministry staff; a ministry approver may do everything ministry staff may."""
    return has_role(user, Role.MINISTRY, Role.APPROVER)


def is_nih_lead(user: Any) -> bool:
    return has_role(user, Role.NIH_LEAD)


def is_nih(user: Any) -> bool:
    """A member of NIH's side: the lead or an expert."""
    return has_role(user, Role.NIH_LEAD, Role.NIH_EXPERT)


def is_bgi_liaison(user: Any) -> bool:
    return has_role(user, Role.BGI_LIAISON)


def is_api_client(user: Any) -> bool:
    return has_role(user, Role.API_CLIENT)


def is_internal(user: Any) -> bool:
    """Government side (ministry or NIH) or administrator: may see internal records."""
    return is_ministry(user) or is_nih(user) or is_administrator(user)


def can_read_programme_status(user: Any) -> bool:
    """Internal people and machine accounts may read programme status."""
    return is_internal(user) or is_api_client(user)
