"""Benchmark settings: the portal's own settings, its own database and Redis database (the
throttles' cache, as in production), no API throttle."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import REST_FRAMEWORK, env

DATABASES = {
    "default": env.db_url(
        "BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal_bench"
    )
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("BENCH_REDIS_URL", default="redis://127.0.0.1:6379/5"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STATIC_ROOT = VAR_DIR / "bench-static"  # noqa: F405
DEBUG = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "1000000/minute",
        "user": "1000000/minute",
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
