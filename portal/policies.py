"""Role predicates: the one place that knows which groups mean which role.

Domain apps build their object rules (`<app>/policies.py`) on these; templates never
check groups, views pass the answers in.
"""

from typing import TYPE_CHECKING, Union

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Q, QuerySet

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

#: Whom a role predicate is asked about: a signed-in user, an anonymous visitor, or nobody.
Viewer = Union["User", "AnonymousUser", None]


def with_role_names(users: QuerySet) -> QuerySet:
    """Users with their role names read in the same query (PostgreSQL), so `role_names` asks
    nothing more; other databases read them on first use."""
    if connections[users.db].vendor != "postgresql":
        return users
    return users.annotate(
        _role_list=ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=[])
    )


def role_names(user: Viewer) -> frozenset[str]:
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
        user.__dict__["_portal_role_names"] = cached
    return cached


def has_role(user: Viewer, *roles: Role) -> bool:
    """Whether the user holds any of `roles`."""
    return bool(role_names(user) & {role.value for role in roles})


def is_administrator(user: Viewer) -> bool:
    """A superuser or a member of the administrators' group."""
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active) or (
        has_role(user, Role.ADMINISTRATOR)
    )


def is_ministry_approver(user: Viewer) -> bool:
    """The ministry approver, who decides recommendations and approves the MoU."""
    return has_role(user, Role.APPROVER)


def is_ministry(user: Viewer) -> bool:
    """Ministry staff; a ministry approver may do everything ministry staff may."""
    return has_role(user, Role.MINISTRY, Role.APPROVER)


def is_nih_lead(user: Viewer) -> bool:
    """The NIH lead, who endorses the team's recommendations."""
    return has_role(user, Role.NIH_LEAD)


def is_nih(user: Viewer) -> bool:
    """A member of NIH's side: the lead or an expert."""
    return has_role(user, Role.NIH_LEAD, Role.NIH_EXPERT)


def is_bgi_liaison(user: Viewer) -> bool:
    """BGI Group's liaison: sees only what is shared with BGI."""
    return has_role(user, Role.BGI_LIAISON)


def is_api_client(user: Viewer) -> bool:
    """A machine account that reads programme status through the API."""
    return has_role(user, Role.API_CLIENT)


def is_internal(user: Viewer) -> bool:
    """Government side (ministry or NIH) or administrator: may see internal records."""
    return is_ministry(user) or is_nih(user) or is_administrator(user)


def can_read_programme_status(user: Viewer) -> bool:
    """Internal people and machine accounts may read programme status."""
    return is_internal(user) or is_api_client(user)
