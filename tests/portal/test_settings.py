import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 20 + "-production-secret-key-for-tests-only-0123456789"

PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL); print(s.TIME_ZONE); "
    "print(s.DEBUG)"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _PORTAL_VARS}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


_PORTAL_VARS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_URL",
    "TIME_ZONE",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests; check --deploy rightly refuses it
}


def test_dev_settings_use_embedded_defaults_when_nothing_is_configured(tmp_path):
    result = _run(
        PRINT_SETTINGS,
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        CELERY_FILESYSTEM_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    engine, broker, zone, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert zone == "Asia/Karachi"
    assert debug == "False"


def test_dev_settings_use_postgresql_and_redis_when_configured(tmp_path):
    result = _run(
        PRINT_SETTINGS,
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode == 0, result.stderr
    engine, broker, _zone, _debug = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://127.0.0.1:6379/0"


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(
        PRINT_SETTINGS,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        ALLOWED_HOSTS="x.gov.pk",
    )

    assert result.returncode != 0
    assert "Production needs a real SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run(
        PRINT_SETTINGS, DJANGO_SETTINGS_MODULE="portal.settings.production", SECRET_KEY=GOOD_SECRET
    )

    assert result.returncode != 0
    assert "Production needs ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in _PORTAL_VARS},
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "portal.health.gov.pk",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_test_settings_store_time_in_utc_and_show_karachi_by_default():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Karachi"
    assert settings.AUTH_USER_MODEL == "portal.User"


@pytest.mark.skipif(os.environ.get("CI", "").lower() != "true", reason="only meaningful in CI")
@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 64,  # long enough, but one repeated character (check --deploy's W009)
        "abab" * 16,
        "django-insecure-" + "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0z1x2c3v4b5n6",
    ],
)
def test_production_refuses_a_guessable_secret_key(weak):
    result = _run(
        PRINT_SETTINGS,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=weak,
        ALLOWED_HOSTS="x.gov.pk",
    )

    assert result.returncode != 0
    assert "Production needs a real SECRET_KEY" in result.stderr


def test_production_sets_every_cookie_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE)"
    )
    result = _run(
        code,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="x.gov.pk",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
