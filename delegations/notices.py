"""What the events app needs to know about visits (registered in `DelegationsConfig.ready`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from events import notices, registry
from events.audience import register_workflow

from .models import DelegationMember, Visit
from .workflows import VISIT_FLOW

if TYPE_CHECKING:
    from collections.abc import Iterable

    from events.models import Event
    from portal.models import User

READINESS_BLOCKING = "visit.readiness_blocking"


def _visit_audience(event: Event, visit: Visit) -> Iterable[User]:
    """The responsible officer and whoever created the visit; on a readiness problem also the
    member concerned; on steps, the delegation's members with a login."""
    people = [u for u in (visit.responsible_officer, visit.created_by) if u is not None]
    if event.type == READINESS_BLOCKING:
        member = DelegationMember.objects.filter(pk=event.payload.get("member_id")).first()
        if member is not None and member.user is not None:
            people.append(member.user)
        return people
    people += [
        m.user
        for m in visit.members.filter(is_active=True, user__isnull=False).select_related("user")
        if m.user is not None
    ]
    return people


def _visit_data(visit: Visit, viewer: Any) -> dict[str, Any]:
    from .api.permissions import visit_serializer_class

    serializer = visit_serializer_class(viewer, detail=False, visit=visit)
    return dict(serializer(visit).data)


def register() -> None:
    register_workflow(VISIT_FLOW, notice=notices.VISITS)
    registry.register_type(
        registry.EventType(
            READINESS_BLOCKING, _("A member's readiness blocks departure"), notice=notices.VISITS
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=Visit,
            visible=lambda user: Visit.objects.visible_to(user),
            serialize=_visit_data,
            title=lambda visit: visit.title,
            url=lambda visit: visit.get_absolute_url(),
            audience=_visit_audience,
            priority_areas=lambda visit: list(
                visit.objectives.filter(archived_at__isnull=True).values_list(
                    "priority_area_id", flat=True
                )
            ),
            followable=True,
        )
    )
