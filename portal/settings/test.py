"""Test settings: base plus speed tweaks only (fast hasher, in-memory e-mail)."""

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, REST_FRAMEWORK, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A real worker is another process and cannot fill mail.outbox: worker tests give it
# TEST_EMAIL_URL=filemail:////abs/dir (django-environ drops one slash) and read the files.
if env.str("TEST_EMAIL_URL", default=""):
    vars().update(env.email_url("TEST_EMAIL_URL"))
# Test hook: the reminder engine sleeps this long between claiming and sending, so a test can
# kill the worker there (tests/reminders/test_reminder_worker.py).
REMINDER_PAUSE_AFTER_CLAIM_SECONDS = env.float("REMINDER_PAUSE_AFTER_CLAIM_SECONDS", default=0)
# A killed worker's task comes back quickly: workers started by tests sweep unacknowledged
# messages every second (the visibility timeout itself comes from CELERY_VISIBILITY_TIMEOUT).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Tests receive webhooks on a local HTTP server (http://127.0.0.1:<port>).
WEBHOOK_ALLOW_LOCAL_HTTP = True
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
