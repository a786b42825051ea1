"""Conditional reads without a cache: a last-changed stamp per table, and validators built from it.

Every programme table has one row in `ChangeStamp` (its model label, a version counter and
when it last changed). A write to a watched model (save, delete, many-to-many change) bumps
its table's stamp once per transaction, after the commit, in one statement; code that writes
without model signals (`QuerySet.update`, `bulk_create`) calls `tables_changed()` itself.
The receivers are connected per model (`sender=`), so models nobody watches (sessions,
idempotency keys) keep Django's fast delete, and a login or a token touch (which save only
`last_login` / `last_used_at`) bumps nothing.

A read endpoint names the models its body is made of; `validator()` reads their stamps in one
indexed query and folds them, with everything else that varies the body (the viewer and their
roles, language, time zone, local date, URL with query string, negotiated format, API version,
release), into an ETag. A request whose `If-None-Match` holds it is answered 304 before
the body is built; lists and the status also send `Last-Modified`.

The stamp moves after the commit, so a read that lands in between may carry the new body
under the old ETag: its next read is simply answered 200 once more. A body is never kept
anywhere, so nothing stale can be served and what a viewer may see is always decided by the
database (the validator only says whether their own last answer is still current).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.http import http_date

#: Apps whose every model is watched, and single models watched besides (app.model labels).
WATCHED_APPS = ("collaboration", "delegations", "mou", "genebank")
WATCHED_MODELS = ("portal.user", "auth.group")
#: Fields whose change alone is no change of what the programme shows (a login, a token use).
UNSHOWN_FIELDS = frozenset({"last_login", "last_used_at"})
_M2M_WRITES = frozenset({"post_add", "post_remove", "post_clear"})


def label_of(model: type[Model]) -> str:
    """The stamp label of a model: its concrete table's model label, lower case."""
    return model._meta.concrete_model._meta.label_lower  # type: ignore[union-attr]


def _flush(using: str) -> None:
    conn = connections[using]
    labels: set[str] = getattr(conn, "_stamp_labels", set())
    conn._stamp_labels = set()  # type: ignore[attr-defined]
    bump(labels, using=using)


def bump(labels: Iterable[str], using: str = "default") -> None:
    """Move the stamps of these tables on, now, in one statement (upsert: a table without a
    stamp yet gets one)."""
    from .models import ChangeStamp

    rows = sorted(set(labels))
    if not rows:
        return  # nothing pending: no query
    table = ChangeStamp._meta.db_table
    now = timezone.now()
    values = ", ".join(["(%s, 1, %s)"] * len(rows))
    params: list[Any] = []
    for label in rows:
        params += [label, now]
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (label, version, changed_at) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (label) DO UPDATE SET version = {table}.version + 1, "
            "changed_at = excluded.changed_at",
            params,
        )


def tables_changed(*models: type[Model], using: str = "default") -> None:
    """These tables changed in the current transaction: their stamps move on after the commit
    (at once outside a transaction), all in one statement (the first callback of a commit
    moves every pending stamp; the others find nothing left). Labels of a transaction rolled
    back stay pending and move with the next commit: a stamp moved for nothing costs a client
    one 200, a stamp not moved would keep answering 304 over new rows."""
    conn = connections[using]
    labels = getattr(conn, "_stamp_labels", None)
    if labels is None:
        labels = conn._stamp_labels = set()  # type: ignore[attr-defined]
    labels.update(label_of(model) for model in models)
    transaction.on_commit(lambda: _flush(using), using=using)


def _on_save(
    sender: type[Model], using: str = "default", update_fields: Any = None, **kwargs: Any
) -> None:
    if update_fields and set(update_fields) <= UNSHOWN_FIELDS:
        return
    tables_changed(sender, using=using)


def _on_delete(sender: type[Model], using: str = "default", **kwargs: Any) -> None:
    tables_changed(sender, using=using)


def _on_m2m(
    sender: type[Model], instance: Any, action: str, using: str = "default", **kwargs: Any
) -> None:
    if action in _M2M_WRITES:
        tables_changed(sender, type(instance), using=using)


def watched_models() -> list[type[Model]]:
    """Every model whose writes move a stamp (history models included: pages show them)."""
    models = [m for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in WATCHED_MODELS]
    return models


def watched_labels() -> list[str]:
    """The labels of every watched table, many-to-many tables included."""
    labels = set()
    for model in watched_models():
        labels.add(label_of(model))
        for field in model._meta.local_many_to_many:
            labels.add(label_of(cast("type[Model]", field.remote_field.through)))
    return sorted(labels)


def ensure_stamps(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Every watched table has a stamp (post_migrate, and after a flush): a table nobody wrote
    since still answers with a Last-Modified, the moment its stamp was made."""
    from .models import ChangeStamp

    now = timezone.now()
    ChangeStamp.objects.using(using).bulk_create(
        [ChangeStamp(label=label, version=0, changed_at=now) for label in watched_labels()],
        ignore_conflicts=True,
    )


def connect_stamps() -> None:
    """Connect the stamp receivers to each watched model and its many-to-many tables (called
    once, at start-up)."""
    for model in watched_models():
        uid = label_of(model)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"stamp-save-{uid}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"stamp-delete-{uid}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"stamp-m2m-{through}")


# Validators ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validator:
    """What a conditional read answers from: the ETag (weak, quoted) and the Last-Modified
    moment (None while none of the tables has a stamp)."""

    etag: str
    last_modified: dt.datetime | None

    @property
    def last_modified_header(self) -> str | None:
        if self.last_modified is None:
            return None
        return http_date(self.last_modified.timestamp())

    def matches(self, if_none_match: str | None) -> bool:
        """Weak comparison with an If-None-Match header (a list, or "*")."""
        if not if_none_match:
            return False
        mine = self.etag
        for candidate in if_none_match.split(","):
            value = candidate.strip()
            if value == "*" or value.removeprefix("W/") == mine:
                return True
        return False

    def apply(self, response: Any) -> Any:
        """Set ETag, Last-Modified and Cache-Control on a response."""
        response["ETag"] = self.etag
        if self.last_modified_header:
            response["Last-Modified"] = self.last_modified_header
        response["Cache-Control"] = "private, no-cache"
        return response


def _stamps(labels: list[str]) -> list[tuple[str, int, dt.datetime]]:
    from .models import ChangeStamp

    return list(
        ChangeStamp.objects.filter(label__in=labels)
        .order_by("label")
        .values_list("label", "version", "changed_at")
    )


def viewer_key(user: Any) -> str:
    """Who is asking, as far as it varies an answer: the account and its roles."""
    from . import policies

    if user is None or not user.is_authenticated:
        return "anonymous"
    return f"{user.pk}:{','.join(sorted(policies.role_names(user)))}"


def validator(request: HttpRequest, models: Iterable[type[Model]], *parts: object) -> Validator:
    """The validator of a read made of these models' rows, for this request (one query)."""
    labels = sorted({label_of(model) for model in models})
    stamps = _stamps(labels)
    renderer = getattr(request, "accepted_renderer", None)
    identity = "\0".join(
        str(part)
        for part in (
            settings.RELEASE_ID,
            getattr(request, "version", None),
            viewer_key(getattr(request, "user", None)),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            request.get_full_path(),
            getattr(renderer, "format", request.headers.get("Accept", "")),
            *[f"{label}={version}" for label, version, _at in stamps],
            *parts,
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    last = max((at for _label, _version, at in stamps), default=None)
    return Validator(etag=f'"{digest}"', last_modified=last)
