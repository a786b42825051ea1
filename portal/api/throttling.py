"""DRF's rate throttles, made to keep the API answering when their cache is unreachable.

The counters live in the cache (Redis when `REDIS_URL` is set). If Redis is down, a throttle
that raised would turn every API call into a 500; these let the request through and log it
instead. Logins stay protected by the lockout, which counts failures in the database.
"""

import logging

from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)


class CacheSafeThrottleMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (RedisError, OSError):
            logger.warning("Rate limit not applied: the throttle cache is unreachable.")
            return True


class AnonRateThrottle(CacheSafeThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CacheSafeThrottleMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(CacheSafeThrottleMixin, throttling.ScopedRateThrottle):
    pass
