"""What the events app knows about other apps' records, filled in by their `AppConfig.ready`.

A `SubjectKind` tells, for one model: who may see a record (`visible`, the model's own
`visible_to` queryset), how the API shows it to a viewer (`serialize`), its title and link, its
priority areas (for webhook filters), and who is told of each event type (`audience`). An
`EventType` names one type of event, its label, and which preference (notice) governs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.utils.functional import Promise

    from portal.models import User

    from .models import Event


@dataclass(frozen=True)
class Notice:
    """A preference row people choose for: a family of event types (off, bell, e-mail, digest)."""

    code: str
    label: str | Promise
    description: str | Promise = ""


@dataclass(frozen=True)
class EventType:
    """One type of event: `code` ("recommendation.approve"), its label and its notice."""

    code: str
    label: str | Promise
    notice: str


@dataclass(frozen=True)
class SubjectKind:
    """How events about one model are read, shown and told."""

    model: type[Model]
    visible: Callable[[Any], QuerySet[Any]]
    serialize: Callable[[Any, Any], dict[str, Any]]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    audience: Callable[[Event, Any], Iterable[User]]
    priority_areas: Callable[[Any], list[int]] = lambda obj: []
    followable: bool = False
    # The record whose followers hear of this one (a comment's MoU); None: the record itself.
    follow_target: Callable[[Any], Model] | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"


_lock = threading.Lock()
_subjects: dict[str, SubjectKind] = {}
_types: dict[str, EventType] = {}
_notices: dict[str, Notice] = {}


def register_subject(kind: SubjectKind) -> None:
    with _lock:
        _subjects[kind.label] = kind


def register_notice(notice: Notice) -> None:
    with _lock:
        _notices[notice.code] = notice


def register_type(event_type: EventType) -> None:
    with _lock:
        _types[event_type.code] = event_type


def check_types() -> None:
    """Every registered type names a known notice (run once all apps are ready)."""
    unknown = {t.notice for t in _types.values()} - set(_notices)
    if unknown:
        raise ImproperlyConfigured(f"Unknown notices: {sorted(unknown)}")


def subject_kind(model_or_obj: Any) -> SubjectKind | None:
    meta = model_or_obj._meta
    return _subjects.get(f"{meta.app_label}.{meta.model_name}")


def subject_kind_for_label(label: str) -> SubjectKind | None:
    return _subjects.get(label)


def event_type(code: str) -> EventType | None:
    return _types.get(code)


def event_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda t: t.code)


def notices() -> list[Notice]:
    return list(_notices.values())


def notice(code: str) -> Notice | None:
    return _notices.get(code)


def subjects() -> list[SubjectKind]:
    return list(_subjects.values())
