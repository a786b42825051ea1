"""Start a real Celery worker process for tests, against a chosen broker."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from celery import Celery

ROOT = Path(__file__).resolve().parents[1]


def filesystem_env(folder: Path) -> dict[str, str]:
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FILESYSTEM_DIR": str(folder),
        "CELERY_RESULT_BACKEND": f"file://{folder}/results",
    }


def client_app(env: dict[str, str]) -> Celery:
    """A Celery client that talks to the same broker and result store as a worker with `env`."""
    app = Celery(
        "portal-test-client", broker=env["CELERY_BROKER_URL"], backend=env["CELERY_RESULT_BACKEND"]
    )
    if env["CELERY_BROKER_URL"].startswith("filesystem://"):
        folder = Path(env["CELERY_FILESYSTEM_DIR"])
        for sub in ("queue", "processed", "results"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    app.conf.accept_content = ["json"]
    return app


def purge_queue(env: dict[str, str]) -> None:
    """Drop messages other tests left on the broker (tasks their commits queued for databases
    that no longer exist), so a test's worker runs only what the test sends it."""
    app = client_app(env)
    try:
        app.control.purge()
    finally:
        app.close()


@contextmanager
def running_worker(env: dict[str, str], *, ready_timeout: float = 45.0):
    """Run `celery -A portal worker` with `env` until the block ends; waits until it answers pings.

    Messages already on the broker are the test's own (it may queue work before the worker
    starts): a test that wants a clean broker calls `purge_queue` before it queues anything."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "warning",
         "--without-mingle", "--without-gossip", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    # Celery reads CELERY_BROKER_URL and CELERY_RESULT_BACKEND from the environment before its own
    # configuration, so the client must see the worker's broker and result store there too.
    env_patch = mock.patch.dict(
        os.environ,
        {
            "CELERY_BROKER_URL": env["CELERY_BROKER_URL"],
            "CELERY_RESULT_BACKEND": env["CELERY_RESULT_BACKEND"],
        },
    )
    env_patch.start()
    app = client_app(env)
    try:
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{process.stdout.read()}")
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError("worker did not answer pings in time")
        yield app
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        app.close()
        env_patch.stop()
