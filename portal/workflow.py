"""A small explicit workflow engine: named transitions, checked, applied and logged.

A `Workflow` is data (a table of `Transition`s), so the UI can render buttons from it,
the API can list what is available, and tests can walk every status × transition.
Side effects (e-mails, new versions, reminders) belong to the service that calls `apply`; the
one exception is the domain event every step emits (`events.outbox`), so none is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .exceptions import StaleVersion, TransitionNotAllowed


@dataclass(frozen=True)
class Transition:
    """One named move: from any of `source` to `target`, if `allowed(user, obj)`."""

    name: str
    source: frozenset[str]
    target: str
    allowed: Callable[[Any, Any], bool]
    label: str | Promise = ""
    comment_required: bool = False

    @property
    def display(self) -> str:
        return str(self.label or self.name.replace("_", " ").capitalize())


class Workflow:
    """The transition table of one model's status field, with its log model."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        log_model: type[models.Model],
        transitions: Iterable[Transition],
        field: str = "status",
        log_subject_field: str = "subject",
    ) -> None:
        self.model = model
        self.log_model = log_model
        self.field = field
        self.log_subject_field = log_subject_field
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"Duplicate transition {transition.name!r}")
            self.transitions[transition.name] = transition

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(
                _("There is no step called “%(name)s”.") % {"name": name},
                code="unknown_transition",
            ) from None

    def available(self, obj: models.Model, user: Any) -> list[Transition]:
        """Transitions the user may apply now (drives buttons and the API)."""
        status = getattr(obj, self.field)
        return [t for t in self.transitions.values() if status in t.source and t.allowed(user, obj)]

    @transaction.atomic
    def apply(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: Any,
        comment: str = "",
        expected_version: int | None = None,
    ) -> Any:
        """Lock the row, check version, permission and state; move, save and log.

        Raises StaleVersion (412), PermissionDenied (403) or TransitionNotAllowed (409);
        on any of them nothing changes. A step taken emits its domain event
        ("<model>.<transition>") into the outbox, in the same transaction.
        """
        transition = self.get(name)
        locked: Any = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        field_names = {f.name for f in locked._meta.get_fields()}
        versioned = "version" in field_names
        if expected_version is not None and versioned and locked.version != expected_version:
            raise StaleVersion(current=locked.version)
        if not transition.allowed(actor, locked):
            raise PermissionDenied
        current = getattr(locked, self.field)
        if current not in transition.source:
            raise TransitionNotAllowed(
                _("“%(step)s” is not possible while the record is %(status)s.")
                % {"step": transition.display, "status": self._status_label(current)}
            )
        if transition.comment_required and not comment.strip():
            raise TransitionNotAllowed(
                _("“%(step)s” needs a comment saying why.") % {"step": transition.display},
                code="comment_required",
            )
        setattr(locked, self.field, transition.target)
        update_fields = [self.field]
        if versioned:
            locked.version += 1
            update_fields.append("version")
        if "updated_at" in field_names:
            update_fields.append("updated_at")
        locked._history_user = actor
        locked.save(update_fields=update_fields)
        self.log_model._default_manager.create(
            **{self.log_subject_field: locked},
            actor=actor,
            transition=transition.name,
            from_status=current,
            to_status=transition.target,
            comment=comment,
        )
        from events.outbox import emit_transition

        emit_transition(
            subject=locked,
            transition=transition.name,
            actor=actor,
            from_status=current,
            to_status=transition.target,
            comment=comment,
        )
        return locked

    def _status_label(self, value: str) -> str:
        field = self.model._meta.get_field(self.field)
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
