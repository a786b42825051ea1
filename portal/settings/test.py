"""Test settings: base plus speed tweaks only (fast hasher, in-memory e-mail)."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Throttle state must not leak between tests through a shared Redis cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # type: ignore[dict-item]
        "token_login": "5/minute",
    },
}

# A test-only app with a concrete workflow model for the shared building blocks' tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]  # noqa: F405

# Serve static files from the finders, as in development: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
