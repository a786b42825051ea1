"""Helpers the apps' audience rules share: people by role, and workflow event types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portal.models import Role, User

from . import registry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.workflow import Workflow


def people_with_roles(*roles: Role) -> QuerySet[User]:
    """Active users holding any of the roles (the ministry desk, the NIH leads …)."""
    return User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles]).distinct()


def ministry_desk() -> QuerySet[User]:
    return people_with_roles(Role.MINISTRY, Role.APPROVER)


def register_workflow(workflow: Workflow, *, notice: str) -> None:
    """One event type per transition of the workflow: "<model>.<transition>"."""
    model_name = workflow.model._meta.model_name
    for transition in workflow.transitions.values():
        registry.register_type(
            registry.EventType(
                code=f"{model_name}.{transition.name}",
                label=transition.label or transition.name,
                notice=notice,
            )
        )


def transition_name(event: Any) -> str:
    """The workflow step of a transition event ("" for other events)."""
    return str(event.payload.get("transition", ""))
