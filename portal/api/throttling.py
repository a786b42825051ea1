"""DRF's rate throttles, made to keep counting when their cache is unreachable.

The counters live in the cache (Redis when `REDIS_URL` is set). If Redis is down, a throttle
that raised would turn every API call into a 500, and one that let everything through would
leave the token endpoint open to guessing. These count in this process's memory instead until
Redis answers again (each web process then keeps its own count, so the limit is per process
for that time), and log it. Clients are told apart by `portal.security.client_ip`, which reads
the proxy's header only from TRUSTED_PROXIES.
"""

import logging
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework import throttling

from portal.security import client_ip

logger = logging.getLogger(__name__)

#: Where the counters go while the shared cache is unreachable.
LOCAL_FALLBACK = LocMemCache("portal-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class CacheSafeThrottleMixin:
    cache: Any

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (RedisError, OSError):
            logger.warning("The throttle cache is unreachable: counting in this process.")
        shared = self.cache
        self.cache = LOCAL_FALLBACK
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        finally:
            self.cache = shared


class AnonRateThrottle(CacheSafeThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CacheSafeThrottleMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(CacheSafeThrottleMixin, throttling.ScopedRateThrottle):
    pass
