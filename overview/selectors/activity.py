"""Recent activity: the latest workflow steps across the apps, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from collaboration.models import (
    ActionItem,
    ActionItemTransition,
    PriorityArea,
    PriorityAreaTransition,
    Recommendation,
    RecommendationTransition,
)
from delegations.models import Visit, VisitTransition
from mou.models import Mou, MouTransition, Obligation, ObligationTransition
from portal import policies as roles

from .common import person_name

if TYPE_CHECKING:
    from portal.models import User


@dataclass(frozen=True)
class Activity:
    """One recorded workflow step: who (`actor_name`) moved what (`subject`, `url`) from
    `from_label` to `to_label` at `at`."""

    kind: str
    kind_label: str
    subject: str
    url: str
    transition: str
    from_label: str
    to_label: str
    actor_name: str
    at: dt.datetime


def recent_activity(*, viewer: User | Any, limit: int = 10) -> list[Activity]:
    """The latest transition log rows across the apps (internal viewers only; one query per
    kind of record, `limit` rows each, merged newest first)."""
    if not roles.is_internal(viewer):
        return []
    sources: list[tuple[str, str, Any, Any]] = [
        ("recommendation", _("Recommendation"), RecommendationTransition, Recommendation),
        ("visit", _("Visit"), VisitTransition, Visit),
        ("mou", _("MoU"), MouTransition, Mou),
        ("action_item", _("Action item"), ActionItemTransition, ActionItem),
        ("priority_area", _("Priority area"), PriorityAreaTransition, PriorityArea),
        ("obligation", _("MoU obligation"), ObligationTransition, Obligation),
    ]
    rows: list[Activity] = []
    for kind, kind_label, log_model, subject_model in sources:
        labels = dict(subject_model._meta.get_field("status").flatchoices)
        logs = log_model.objects.select_related("actor", "subject").order_by("-created_at", "-pk")[
            :limit
        ]
        for log in logs:
            subject = log.subject
            if kind == "obligation":
                url = reverse("mou:obligation-list", args=[subject.mou_id])
                name = str(subject)
            else:
                url = subject.get_absolute_url()
                name = str(subject)
            rows.append(
                Activity(
                    kind=kind,
                    kind_label=str(kind_label),
                    subject=name,
                    url=url,
                    transition=log.transition,
                    from_label=str(labels.get(log.from_status, log.from_status)),
                    to_label=str(labels.get(log.to_status, log.to_status)),
                    actor_name=person_name(log.actor) or _("the system"),
                    at=log.created_at,
                )
            )
    rows.sort(key=lambda a: a.at, reverse=True)
    return rows[:limit]
