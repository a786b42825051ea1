"""What BGI's liaison sees on their dashboard: only what is shared with BGI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from delegations.models import Visit
from mou.models import ClauseComment, MouVersion

if TYPE_CHECKING:
    from portal.models import User


@dataclass(frozen=True)
class SharedVersion:
    """An MoU version shared with BGI and the comments BGI can see on it."""

    mou_title: str
    number: int
    shared_at: dt.datetime | None
    url: str
    comment_count: int
    bgi_comment_count: int


@dataclass(frozen=True)
class SharedVisit:
    """A visit shared with BGI: what BGI may see of it (no notes, budget or members' data)."""

    title: str
    state_label: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    destination: str
    itinerary_count: int
    url: str
    itinerary_url: str


@dataclass(frozen=True)
class SharedWithBgi:
    """Only what is shared with BGI: shared visits and shared MoU versions."""

    visits: tuple[SharedVisit, ...]
    versions: tuple[SharedVersion, ...]


def shared_with_bgi(*, viewer: User | Any) -> SharedWithBgi:
    """What the BGI liaison's dashboard shows, built from the BGI-scoped querysets only."""
    visits = (
        Visit.objects.visible_to(viewer)
        .active()
        .filter(is_shared_with_bgi=True)
        .annotate(
            itinerary_count=Count(
                "itinerary", filter=Q(itinerary__archived_at__isnull=True), distinct=True
            )
        )
        .order_by("starts_on", "pk")
    )
    visible_comments = ClauseComment.objects.visible_to(viewer)
    versions = (
        MouVersion.objects.visible_to(viewer)
        .filter(is_shared_with_bgi=True, mou__archived_at__isnull=True)
        .select_related("mou")
        .annotate(
            comment_count=Subquery(
                visible_comments.filter(version=OuterRef("pk"))
                .order_by()
                .values("version")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            bgi_comment_count=Subquery(
                visible_comments.filter(version=OuterRef("pk"), is_from_bgi=True)
                .order_by()
                .values("version")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("-shared_at", "-pk")
    )
    return SharedWithBgi(
        visits=tuple(
            SharedVisit(
                title=v.title,
                state_label=v.get_status_display(),
                starts_on=v.starts_on,
                ends_on=v.ends_on,
                destination=v.destination,
                itinerary_count=v.itinerary_count,
                url=v.get_absolute_url(),
                itinerary_url=reverse("delegations:visit-itinerary", args=[v.pk]),
            )
            for v in visits
        ),
        versions=tuple(
            SharedVersion(
                mou_title=v.mou.title,
                number=v.number,
                shared_at=v.shared_at,
                url=v.get_absolute_url(),
                comment_count=v.comment_count or 0,
                bgi_comment_count=v.bgi_comment_count or 0,
            )
            for v in versions
        ),
    )
