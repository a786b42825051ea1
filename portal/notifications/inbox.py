"""The portal inbox: a person's notifications, the bell's unread count, mark as read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from ..models import Notification, User

if TYPE_CHECKING:
    from django.db.models import QuerySet


# --- the inbox ------------------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first."""
    is_read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return Notification.objects.filter(recipient=user).order_by(is_read, "-created_at", "-pk")


def unread_count(user: User) -> int:
    """The bell's number, on every page: one count over the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User | None) -> Notification:
    """Mark one of the actor's notifications as read (reading twice keeps the first time)."""
    if actor is not None and actor.pk != notification.recipient_id:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User, actor: User | None) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
