"""A cache for the portal's heaviest reads, kept correct by one data generation.

Reads far outnumber writes here: REST clients poll the status, people open their dashboard and
the lists many times between two edits. So the heaviest reads keep what they computed in the
shared cache, under a key made of

* the **data generation**: a counter that every save, delete or many-to-many change of a
  programme record bumps (the models of the apps named in `RESPONSE_CACHE_WATCHES`: the
  collaboration, delegations and MoU apps, users, groups, tokens), at once and again after
  the transaction commits;
* who asks, in which language and time zone, on which local date;
* the full URL, query string included, and whatever else the caller names.

A write anywhere in the programme thus makes every cached answer unreachable at once. Nothing is
invalidated item by item, so no invalidation can be forgotten. Entries also expire after
`RESPONSE_CACHE_SECONDS`: a bound on staleness should a bump ever be lost (the cache unreachable
during a write). Code that writes without model signals (`QuerySet.update`, `bulk_create`) on
a watched model calls `data_changed()` itself.

Nothing is cached when `RESPONSE_CACHE_SECONDS` is 0: the default without Redis, because a
local-memory cache is not shared by the processes serving the portal and one process could not
tell the others about a write. When the cache is unreachable the reads are computed as if
nothing were cached.

Visibility is never taken from the cache. The key carries the viewer's roles, so a role taken
away changes it at once; detail reads look the record up for the viewer before any cached body
is served (`ConditionalRetrieveMixin`); and whoever sees records one by one as they are shared
(BGI's liaison) is always answered from the database, since sharing is decided per record and a
lost bump must not keep an unshared record in view (`_cacheable_for`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "portal:data-generation"
KEY_PREFIX = "portal:read"
_M2M_WRITES = frozenset({"post_add", "post_remove", "post_clear"})
# Errors of an unreachable cache: Redis's own, and the socket's.
CACHE_ERRORS = (RedisError, OSError)


def _enabled() -> bool:
    return settings.RESPONSE_CACHE_SECONDS > 0


def _current_stamp(stamp_key: str) -> int | None:
    """The stamp under `stamp_key` now, or None when the cache cannot be used."""
    try:
        value = cache.get(stamp_key)
        if value is None:
            # A new or flushed cache starts from the clock, never from a number it had before.
            cache.add(stamp_key, time.time_ns(), timeout=None)
            value = cache.get(stamp_key)
    except CACHE_ERRORS:
        logger.warning("Read cache not used: the cache is unreachable.")
        return None
    return value


def _bump(stamp_key: str) -> None:
    """Move the stamp on: every value kept under the old one is stale."""
    try:
        try:
            cache.incr(stamp_key)
        except ValueError:  # no stamp yet (new or flushed cache)
            cache.add(stamp_key, time.time_ns(), timeout=None)
    except CACHE_ERRORS:
        logger.warning(
            "Read cache stamp %s not moved on: the cache is unreachable; cached reads expire "
            "within RESPONSE_CACHE_SECONDS.",
            stamp_key,
        )


def _bump_now_and_after_commit(stamp_key: str, using: str | None) -> None:
    _bump(stamp_key)
    # Again after commit: a read that ran between the bump and the commit saw the old rows
    # and may have kept them under the new stamp.
    transaction.on_commit(lambda: _bump(stamp_key), using=using)


def _versioned(stamp_key: str, key: str, compute: Callable[[], T]) -> T:
    """The value kept under `key` while the stamp under `stamp_key` has not moved; computed
    and kept otherwise. Stamp and value come in one round trip; the stamp is read before
    computing, so a write that lands meanwhile makes the new value stale at once."""
    if not _enabled():
        return compute()
    try:
        found = cache.get_many([stamp_key, key])
    except CACHE_ERRORS:
        logger.warning("Read cache not used: the cache is unreachable.")
        return compute()
    stamp = found.get(stamp_key)
    if stamp is None:
        stamp = _current_stamp(stamp_key)
        if stamp is None:
            return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = compute()
    try:
        cache.set(key, (stamp, value), timeout=settings.RESPONSE_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("Read not cached: the cache is unreachable.")
    return value


def current_generation() -> int | None:
    """The data generation now, or None when the cache cannot be used."""
    return _current_stamp(GENERATION_KEY)


def _watched(model: type[Model]) -> bool:
    meta = model._meta
    watches = settings.RESPONSE_CACHE_WATCHES
    return meta.app_label in watches or meta.label_lower in watches


def data_changed(using: str | None = None) -> None:
    """Something cached reads may show has been written (inside a transaction or not): the
    data generation moves on at once and again after commit."""
    _bump_now_and_after_commit(GENERATION_KEY, using)


def _on_save_or_delete(sender: type[Model], using: str | None = None, **kwargs: Any) -> None:
    if _watched(sender):
        data_changed(using)


def _on_m2m_changed(
    sender: type[Model], instance: Any, action: str, using: str | None = None, **kwargs: Any
) -> None:
    if action in _M2M_WRITES and (_watched(type(instance)) or _watched(sender)):
        data_changed(using)


def connect_invalidation() -> None:
    """Bump the generation on every write to a watched model (called once, at start-up)."""
    post_save.connect(_on_save_or_delete, dispatch_uid="portal.caching.save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="portal.caching.delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="portal.caching.m2m")


def _cacheable_for(user: Any) -> bool:
    """Whether answers for this viewer may come from the cache: not for anonymous callers, and
    not where what the viewer may see is decided record by record (what is shared with BGI)."""
    from . import policies

    if user is None or not user.is_authenticated:
        return False
    return not (policies.is_bgi_liaison(user) and not policies.is_internal(user))


def read_key(request: HttpRequest, name: str, *parts: object) -> str:
    """The cache key of one read for this request. The generation is not part of it: it is
    kept with the value, so one round trip fetches both (`remember`)."""
    from . import policies

    user = getattr(request, "user", None)
    who = user.pk if user is not None and user.is_authenticated else "anonymous"
    identity = "\0".join(
        str(part)
        for part in (
            who,
            ",".join(sorted(policies.role_names(user))),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            request.build_absolute_uri(),
            *parts,
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"{KEY_PREFIX}:{name}:{digest}"


def remember(request: HttpRequest, name: str, compute: Callable[[], T], *parts: object) -> T:
    """What `compute()` returns for this request, from the cache while no watched record
    changed (the data generation); computed and kept otherwise. `compute` must depend only on
    the data, the asking user, language, time zone, date, the URL and `parts`."""
    if not _cacheable_for(getattr(request, "user", None)):
        return compute()
    return _versioned(GENERATION_KEY, read_key(request, name, *parts), compute)


def kept(key: str, compute: Callable[[], T]) -> T:
    """A value kept under `key` until `forget(key)` (or RESPONSE_CACHE_SECONDS): for a value
    only some writes change (a user's unread count), where the generation would be too
    coarse. Computed when reads are not cached or the cache is unreachable."""
    return _versioned(f"{key}:stamp", key, compute)


def forget(key: str, using: str | None = None) -> None:
    """The value `kept` under `key` is stale: at once, and again after commit (see
    `data_changed`)."""
    _bump_now_and_after_commit(f"{key}:stamp", using)


class CachedContentMixin:
    """For a template view: its own template renders only the page's main content, which is
    kept in the read cache; every request renders `page_template_name` around it (showing it as
    `{{ content }}`), so navigation, messages and the notification bell are always fresh.

    The content must not hold anything tied to one request: no CSRF token (its forms use GET),
    no messages.
    """

    page_template_name: str
    cache_name: str

    def get_page_context(self) -> dict[str, Any]:
        """What the page around the content needs (its breadcrumbs, say)."""
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        def content() -> str:
            response = super(CachedContentMixin, self).get(request, *args, **kwargs)  # type: ignore[misc]
            return str(response.rendered_content)

        html = remember(request, f"page:{self.cache_name}", content)
        context = {"content": mark_safe(html), **self.get_page_context()}  # noqa: S308 - rendered by our own templates
        return render(request, self.page_template_name, context)
