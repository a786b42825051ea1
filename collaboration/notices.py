"""What the events app needs to know about the collaboration app's records (registered in
`CollaborationConfig.ready`): who may see them, how the API shows them, and who is told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from events import notices, registry
from events.audience import (
    ministry_desk,
    people_with_roles,
    register_workflow,
    transition_name,
)
from portal.models import Role

from .models import ActionItem, PriorityArea, Recommendation, TeamMembership
from .workflows import ACTION_ITEM_FLOW, PRIORITY_AREA_FLOW, RECOMMENDATION_FLOW

if TYPE_CHECKING:
    from collections.abc import Iterable

    from events.models import Event
    from portal.models import User

COMMENTED = "recommendation.commented"


def _team(recommendation: Recommendation) -> list[User]:
    """The technical team's current members (the lead included)."""
    return [
        m.user
        for m in TeamMembership.objects.current()
        .filter(team__programme_id=recommendation.programme_id)
        .select_related("user")
    ]


def _recommendation_audience(event: Event, rec: Recommendation) -> Iterable[User]:
    """The authors always; the team at review; the ministry desk on submission; the NIH leads
    when the ministry decides."""
    step = transition_name(event)
    people: list[User] = list(rec.authors.all())
    if step == "send_to_team_review":
        people += _team(rec)
    elif step == "submit_to_ministry":
        people += list(ministry_desk())
    elif step in {"approve", "return_for_revision", "reject"}:
        people += list(people_with_roles(Role.NIH_LEAD))
    return people


def _recommendation_data(rec: Recommendation, viewer: Any) -> dict[str, Any]:
    from .api.serializers import RecommendationListItemSerializer

    return dict(RecommendationListItemSerializer(rec).data)


def _area_data(area: PriorityArea, viewer: Any) -> dict[str, Any]:
    from .api.serializers import PriorityAreaRefSerializer

    return dict(PriorityAreaRefSerializer(area).data)


def _action_item_data(item: ActionItem, viewer: Any) -> dict[str, Any]:
    from .api.meeting_serializers import ActionItemSerializer

    return dict(ActionItemSerializer(item).data)


def register() -> None:
    register_workflow(RECOMMENDATION_FLOW, notice=notices.RECOMMENDATIONS)
    register_workflow(PRIORITY_AREA_FLOW, notice=notices.PRIORITY_AREAS)
    register_workflow(ACTION_ITEM_FLOW, notice=notices.ACTION_ITEMS)
    registry.register_type(
        registry.EventType(COMMENTED, _("New comment"), notice=notices.RECOMMENDATIONS)
    )
    registry.register_subject(
        registry.SubjectKind(
            model=Recommendation,
            visible=lambda user: Recommendation.objects.visible_to(user),
            serialize=_recommendation_data,
            title=lambda rec: rec.title,
            url=lambda rec: rec.get_absolute_url(),
            audience=_recommendation_audience,
            priority_areas=lambda rec: list(rec.priority_areas.values_list("pk", flat=True)),
            followable=True,
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=PriorityArea,
            visible=lambda user: PriorityArea.objects.visible_to(user),
            serialize=_area_data,
            title=lambda area: area.name,
            url=lambda area: area.get_absolute_url(),
            audience=lambda event, area: [
                *ministry_desk(),
                *people_with_roles(Role.NIH_LEAD),
            ],
            priority_areas=lambda area: [area.pk],
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=ActionItem,
            visible=lambda user: ActionItem.objects.visible_to(user),
            serialize=_action_item_data,
            title=lambda item: item.title,
            url=lambda item: item.get_absolute_url(),
            audience=lambda event, item: [u for u in (item.owner, item.created_by) if u],
        )
    )
