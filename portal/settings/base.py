"""Settings for every environment, read from the environment with django-environ.

Every variable read here is listed, with its default, in .env.example and the README.
Production differences come from portal/settings/production.py (secure flags, refusals),
never from code that exists only in production.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

INSECURE_DEFAULT_SECRET_KEY = "django-insecure-dev-only-change-me"  # noqa: S105

# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",
    # Before django.contrib.auth so its createsuperuser (which validates passwords) wins.
    "portal",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # the portal (the core app "portal" is listed first, above)
    "collaboration",
    "delegations",
    "mou",
    "genebank",
    "reports",
    "overview",
    "search",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the CSP and Permissions-Policy too.
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.PortalLoginRequiredMiddleware",
    "portal.middleware.TwoFactorMiddleware",
    "portal.middleware.SessionIdleRenewalMiddleware",
    "portal.idempotency.IdempotencyKeyMiddleware",
    "portal.middleware.UserTimezoneMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.notifications",
            ],
        },
    },
]

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: without it the cache is local memory and Celery uses an embedded broker.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A black-holed Redis must not hang a request: fail fast (throttles fall back).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Names the code that is running: part of every conditional read's ETag (portal/freshness.py),
# so a deploy that changes what an answer looks like never answers 304 for the old shape.
RELEASE_ID = env.str("RELEASE_ID", default="0.1.0")

# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before the password is checked.
    "portal.backends.PortalAxesBackend",
    "portal.backends.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's cookie: a year, first-party only; a signed-in user's choice is also saved on
# their account (portal.middleware.UserLanguageMiddleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = env.bool("LANGUAGE_COOKIE_SECURE", default=False)
# Per-language date and number formats the portal adds to Django's (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Karachi")
USE_I18N = True
USE_TZ = True

# https://docs.djangoproject.com/en/5.2/howto/static-files/ and https://whitenoise.readthedocs.io/
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded documents (invitation letters, signed copies, report attachments) are private.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Built reports: private (no public URL), served only through permission-checked views.
    "reports": {"BACKEND": "reports.storage.PrivateReportStorage"},
}
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
# REPORTS_STORAGE=s3 keeps reports in an S3-compatible bucket (AWS, MinIO, Ceph …) instead.
REPORTS_STORAGE = env.str("REPORTS_STORAGE", default="local")
if REPORTS_STORAGE == "s3":
    STORAGES["reports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_REPORTS_LOCATION", default="reports"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Minutes a report may stay queued without being started before the sweep queues it again.
REPORTS_REQUEUE_AFTER_MINUTES = env.int("REPORTS_REQUEUE_AFTER_MINUTES", default=10)
# A weekly report PDF up to this size is attached to the e-mail; larger ones are only linked.
REPORTS_ATTACH_MAX_BYTES = env.int("REPORTS_ATTACH_MAX_BYTES", default=2 * 1024 * 1024)

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Genomics Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for links in e-mails (reminders).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Reminders (portal.reminders / portal.notifications): days before the due date, the interval
# while overdue, the days overdue before the owner's lead is told, the local hour of the daily
# digest and how often a failed e-mail is tried. A kind may override the first three.
REMINDER_OFFSETS_DAYS = tuple(env.list("REMINDER_OFFSETS_DAYS", cast=int, default=[7, 3, 1, 0]))
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=3)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=7)
REMINDER_DIGEST_HOUR = env.int("REMINDER_DIGEST_HOUR", default=7)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)

# Webhooks (events.webhooks): a failing delivery is retried with exponential back-off (from
# WEBHOOK_RETRY_BASE_SECONDS, with jitter) for WEBHOOK_RETRY_HOURS, then failed; a subscription
# is flagged after WEBHOOK_FLAG_AFTER_FAILURES failed attempts in a row. Targets are https only;
# WEBHOOK_ALLOW_LOCAL_HTTP (or DEBUG) also allows http://127.0.0.1 and http://localhost.
WEBHOOK_RETRY_HOURS = env.float("WEBHOOK_RETRY_HOURS", default=24)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_FLAG_AFTER_FAILURES = env.int("WEBHOOK_FLAG_AFTER_FAILURES", default=10)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_ALLOW_LOCAL_HTTP = env.bool("WEBHOOK_ALLOW_LOCAL_HTTP", default=False)

# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate rather than 403.
        "portal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.AnonRateThrottle",
        "portal.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "token_login": env.str("API_THROTTLE_TOKEN_LOGIN", default="10/minute"),
    },
    # JSON with bounded nesting (portal/api/parsers.py), forms and uploads as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # An empty ?format= is 404 like an unknown one, not the default format.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.api.negotiation.StrictContentNegotiation",
}

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Genomics Collaboration Portal API",
    "DESCRIPTION": (
        "Read and act on the MoNHSR&C / NIH genomics collaboration with BGI Group. "
        "Authenticate with `Authorization: Token <key>` (create a key on your profile page "
        "or POST /api/v1/auth/token/). Writes to versioned records need `If-Match` with the "
        'record\'s ETag (428 without it, 400 when it is not an ETag such as `"3"`, 412 when '
        "stale). A query parameter outside its schema (a boolean other than true or false, an "
        "empty date or choice) is 400, never ignored. A POST or PATCH may carry an "
        "`Idempotency-Key` header: a retry with the same key gets the first answer again "
        "(`Idempotent-Replayed: true`) instead of acting twice."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers every operation of a kind can give (401, 403, 404, 429, ...), and rules of
    # every input (no NUL in a string, no empty list): portal/api/schema.py
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_error_responses",
        "portal.api.schema.document_input_rules",
    ],
    # Choice sets shown by several components (an app's audiences each have a serializer).
    "ENUM_NAME_OVERRIDES": {
        "VisitStatusEnum": "delegations.models.Visit.Status",
        "ItineraryItemKindEnum": "delegations.models.ItineraryItem.Kind",
        "DelegationMemberRoleEnum": "delegations.models.DelegationMember.Role",
        "MouStatusEnum": "mou.models.Mou.Status",
        "RecommendationStatusEnum": "collaboration.models.Recommendation.Status",
        "ClauseChangeKindEnum": ["added", "removed", "moved", "changed", "unchanged"],
        "ReportKindEnum": "reports.models.Report.Kind",
        "ReportFormatEnum": "reports.models.Report.Format",
        "ReportStatusEnum": "reports.models.Report.Status",
        "TransferStatusEnum": "genebank.models.Transfer.Status",
        "TransferKindEnum": "genebank.models.Transfer.Kind",
        "AgreementKindEnum": "genebank.models.Agreement.Kind",
        "AgreementEndOfUseEnum": "genebank.models.Agreement.EndOfUse",
        "ApprovalKindEnum": "genebank.models.Approval.Kind",
        "GenebankMaterialEnum": "genebank.models.Material",
        "GenebankUseEnum": "genebank.models.Use",
    },
}

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_FILESYSTEM_DIR = env.path("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery"))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=REDIS_URL or f"file://{CELERY_FILESYSTEM_DIR}/results",
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a real worker and beat with no broker server (make run).
    _queue_dir = Path(CELERY_FILESYSTEM_DIR) / "queue"
    _processed_dir = Path(CELERY_FILESYSTEM_DIR) / "processed"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(Path(CELERY_FILESYSTEM_DIR) / "control"),
        "store_processed": False,
    }
    for _folder in (_queue_dir, _processed_dir, Path(CELERY_FILESYSTEM_DIR) / "results"):
        _folder.mkdir(parents=True, exist_ok=True)
else:
    # An unacknowledged task (worker killed) is delivered again after this many seconds; no task
    # is scheduled further ahead than this (the portal uses no ETA tasks beyond short retries).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# https://django-crispy-forms.readthedocs.io/
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-simple-history: history rows keep the acting user even when the user is archived.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The demo password seeded by `manage.py seed_demo` (and printed by `make run`).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="genomics-demo-2026")

# Security headers that are right in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# https://django-csp.readthedocs.io/en/latest/configuration.html (django-csp 4): no inline
# scripts or styles anywhere; JavaScript and CSS come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the portal never uses (portal.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)

# Sessions end after SESSION_IDLE_SECONDS without a request: use renews them (at most once a
# minute, portal.middleware.SessionIdleRenewalMiddleware), so an idle session expires.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_RENEW_AFTER_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# https://django-axes.readthedocs.io/en/latest/4_configuration.html: lock a username at one
# address after LOGIN_FAILURE_LIMIT failures, for LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address. List the proxies here
# (addresses or networks, comma-separated) and the client's address is read from their
# X-Forwarded-For instead, for the lockout and the API's rate limits (portal.security.client_ip);
# with nothing listed the header is ignored, since any client can send it.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"

# Two-factor login (django-otp TOTP): the ministry approver and administrators must use it
# when this is on (production's default); anyone may turn it on from their profile.
REQUIRE_2FA_FOR_PRIVILEGED = env.bool("REQUIRE_2FA_FOR_PRIVILEGED", default=False)
OTP_TOTP_ISSUER = "Genomics Collaboration Portal"

# API retries: a POST/PATCH with an Idempotency-Key is answered once, for this long.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
