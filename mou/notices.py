"""What the events app needs to know about MoUs, their versions and clause comments
(registered in `MouConfig.ready`)."""

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
from portal import policies as roles
from portal.models import Role

from .models import ClauseComment, Mou, MouVersion, Obligation
from .workflows import MOU_FLOW, OBLIGATION_FLOW

if TYPE_CHECKING:
    from collections.abc import Iterable

    from events.models import Event
    from portal.models import User

VERSION_SHARED = "mouversion.shared"
CLAUSE_COMMENTED = "clausecomment.added"
CLEARANCE_AWAITED = "mou.clearance_awaited"
SIGNATURE_AWAITED = "mou.signature_awaited"

#: Steps BGI's liaison takes part in (they hear of them once a version is shared with BGI).
STEPS_WITH_BGI = frozenset({"start_negotiation", "agree_text", "mark_signed", "enter_into_force"})


def _mou_audience(event: Event, mou: Mou) -> Iterable[User]:
    """The ministry desk (approvers included); BGI's liaison for the steps BGI takes part in."""
    people = list(ministry_desk())
    step = transition_name(event)
    if step in STEPS_WITH_BGI:
        people += list(people_with_roles(Role.BGI_LIAISON))
    return people


def _version_audience(event: Event, version: MouVersion) -> Iterable[User]:
    return [*ministry_desk(), *people_with_roles(Role.BGI_LIAISON)]


def _comment_audience(event: Event, comment: ClauseComment) -> Iterable[User]:
    """The ministry desk and those who commented on the version before (what they wrote is
    being answered); for BGI's comment on a shared version, the NIH leads as well."""
    earlier = [
        c.author
        for c in ClauseComment.objects.filter(version_id=comment.version_id)
        .exclude(pk=comment.pk)
        .select_related("author")
    ]
    people = [*ministry_desk(), *earlier]
    if comment.is_from_bgi:
        people += list(people_with_roles(Role.NIH_LEAD))
    return people


def _mou_data(mou: Mou, viewer: Any) -> dict[str, Any]:
    from .api.permissions import mou_serializer_class

    annotated = Mou.objects.with_current_version(viewer).get(pk=mou.pk)
    return dict(mou_serializer_class(viewer)(annotated).data)


def _version_data(version: MouVersion, viewer: Any) -> dict[str, Any]:
    from .api.serializers import MouVersionSerializer

    return {"mou": version.mou_id, **MouVersionSerializer(version).data}


def _comment_data(comment: ClauseComment, viewer: Any) -> dict[str, Any]:
    from .api.serializers import ClauseCommentSerializer

    data = dict(ClauseCommentSerializer(comment).data)
    return {"mou": comment.version.mou_id, "version": comment.version.number, **data}


def _obligation_data(obligation: Obligation, viewer: Any) -> dict[str, Any]:
    from .api.serializers import ObligationSerializer

    return {"mou": obligation.mou_id, **ObligationSerializer(obligation).data}


def _obligations_visible(user: Any) -> Any:
    """Obligations are internal status: people inside government and machine accounts."""
    if roles.can_read_programme_status(user):
        return Obligation.objects.all()
    return Obligation.objects.none()


def _mou_areas(mou: Mou) -> list[int]:
    return list(
        mou.clauses.filter(archived_at__isnull=True)
        .values_list("priority_areas", flat=True)
        .exclude(priority_areas=None)
        .distinct()
    )


def register() -> None:
    register_workflow(MOU_FLOW, notice=notices.MOUS)
    register_workflow(OBLIGATION_FLOW, notice=notices.MOUS)
    for code, label, notice in (
        (VERSION_SHARED, _("Version shared with BGI"), notices.MOUS),
        (CLAUSE_COMMENTED, _("New comment on a clause"), notices.MOUS),
        (CLEARANCE_AWAITED, _("Clearance awaited"), notices.AWAITING),
        (SIGNATURE_AWAITED, _("Signature awaited"), notices.AWAITING),
    ):
        registry.register_type(registry.EventType(code, label, notice=notice))
    registry.register_subject(
        registry.SubjectKind(
            model=Mou,
            visible=lambda user: Mou.objects.visible_to(user),
            serialize=_mou_data,
            title=lambda mou: mou.title,
            url=lambda mou: mou.get_absolute_url(),
            audience=_mou_audience,
            priority_areas=_mou_areas,
            followable=True,
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=MouVersion,
            visible=lambda user: MouVersion.objects.visible_to(user),
            serialize=_version_data,
            title=lambda version: str(version),
            url=lambda version: version.get_absolute_url(),
            audience=_version_audience,
            priority_areas=lambda version: _mou_areas(version.mou),
            follow_target=lambda version: version.mou,
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=ClauseComment,
            visible=lambda user: ClauseComment.objects.visible_to(user),
            serialize=_comment_data,
            title=lambda comment: str(comment.version),
            url=lambda comment: comment.version.get_absolute_url(),
            audience=_comment_audience,
            priority_areas=lambda comment: _mou_areas(comment.version.mou),
            follow_target=lambda comment: comment.version.mou,
        )
    )
    registry.register_subject(
        registry.SubjectKind(
            model=Obligation,
            visible=_obligations_visible,
            serialize=_obligation_data,
            title=lambda obligation: str(obligation),
            url=lambda obligation: obligation.mou.get_absolute_url(),
            audience=lambda event, obligation: [
                *ministry_desk(),
                *filter(None, [obligation.owner]),
            ],
            follow_target=lambda obligation: obligation.mou,
        )
    )
