"""Following a record, and reading events: what a person may see of the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q

from . import registry
from .models import Event, Follow

if TYPE_CHECKING:
    from django.db.models import QuerySet


def is_following(user: Any, subject: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(
        user=user,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    ).exists()


def can_follow(user: Any, subject: models.Model) -> bool:
    """Anyone who may see a followable record may follow it (machine accounts excepted)."""
    kind = registry.subject_kind(subject)
    if kind is None or not kind.followable or not getattr(user, "is_authenticated", False):
        return False
    from portal import policies as roles

    if roles.is_api_client(user):
        return False
    return kind.visible(user).filter(pk=subject.pk).exists()


@transaction.atomic
def follow_set(*, user: Any, subject: models.Model, following: bool, actor: Any) -> bool:
    """Follow or unfollow a record (idempotent); returns whether the user now follows it."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    subject_type = ContentType.objects.get_for_model(subject)
    if following:
        if not can_follow(user, subject):
            raise PermissionDenied
        Follow.objects.get_or_create(user=user, subject_type=subject_type, subject_id=subject.pk)
    else:
        Follow.objects.filter(user=user, subject_type=subject_type, subject_id=subject.pk).delete()
    return following


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events whose subject the user may see now (one subquery per registered subject kind).

    Webhook test events are left out: they concern one subscription's receiver only.
    """
    condition = Q(pk__in=[])
    for kind in registry.subjects():
        if kind.label == "events.webhooksubscription":
            continue
        subject_type = ContentType.objects.get_for_model(kind.model)
        condition |= Q(subject_type=subject_type, subject_id__in=kind.visible(user).values("pk"))
    return Event.objects.filter(condition).select_related("subject_type", "actor")
