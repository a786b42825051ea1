"""A real worker process executes the portal's tasks, through Redis and through the embedded broker."""

import os

import pytest

from tests.celery_helpers import filesystem_env, running_worker
from tests.conftest import require_service

# One xdist group: real workers share the broker, so these never run side by side.
pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.xdist_group("celery-worker")]


def test_worker_executes_a_task_through_the_embedded_filesystem_broker(tmp_path):
    env = filesystem_env(tmp_path)

    with running_worker(env) as app:
        result = app.send_task("portal.ping")

        assert result.get(timeout=30) == "pong"


def test_worker_executes_a_task_through_redis():
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url
    env = {"CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker}

    with running_worker(env) as app:
        result = app.send_task("portal.ping")

        assert result.get(timeout=30) == "pong"
