import os

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from portal.celery import app as portal_app
from tests.celery_helpers import running_worker

pytestmark = pytest.mark.django_db


def _settings_env(settings) -> dict[str, str]:
    """The broker the portal under test uses, so a started worker listens where healthz looks."""
    env = {
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        env["CELERY_FILESYSTEM_DIR"] = str(settings.CELERY_FILESYSTEM_DIR)
    return env


def test_healthz_is_public_json(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert set(body) == {"status", "database", "broker", "workers"}


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.xdist_group("celery-worker")
def test_healthz_reports_a_running_worker_and_then_a_stopped_one(client, settings):
    with running_worker(_settings_env(settings)):
        running = client.get(reverse("healthz")).json()

    stopped = client.get(reverse("healthz"))

    assert running["workers"]["ok"] is True
    assert running["status"] == "ok"
    assert stopped.status_code == 200
    assert stopped.json()["workers"] == {"ok": False, "count": 0}
    assert stopped.json()["status"] == "degraded"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["status"] == "down"


def test_the_celery_app_is_configured_from_settings(settings):
    assert portal_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert portal_app.conf.task_acks_late is True
    assert portal_app.conf.worker_prefetch_multiplier == 1
    assert portal_app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    portal_app.loader.import_default_modules()
    assert "portal.ping" in portal_app.tasks
    assert os.environ.get("CI") != "true" or settings.CELERY_BROKER_URL.startswith("redis://")
