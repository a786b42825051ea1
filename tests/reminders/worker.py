"""Start named Celery worker processes for the reminder tests (several at once, or one to kill).

`tests.celery_helpers.running_worker` names every worker after the test process, so two of them
at once would answer pings under one name; this helper gives each its own name and hands back the
process, so a test can SIGKILL it.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.celery_helpers import ROOT, client_app, purge_queue


@contextmanager
def worker_process(env: dict[str, str], name: str, *, ready_timeout: float = 45.0):
    """A solo-pool worker named `name` with `env`; yields the Popen once it answers pings."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "warning",
         "--without-mingle", "--without-gossip", "-n", f"{name}-{os.getpid()}@%h"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    app = client_app(env)
    try:
        deadline = time.monotonic() + ready_timeout
        destination = [f"{name}-{os.getpid()}@{os.uname().nodename}"]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{process.stdout.read()}")
            if app.control.ping(destination=destination, timeout=0.5):
                break
        else:
            raise RuntimeError("worker did not answer pings in time")
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        process.stdout.close()
        app.close()


@contextmanager
def workers(env: dict[str, str], *names: str):
    purge_queue(env)
    with ExitStack() as stack:
        yield [stack.enter_context(worker_process(env, name)) for name in names]


def sent_messages(folder: Path) -> list[str]:
    """Every e-mail the file backend wrote (one file per connection, messages split by headers)."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        text = path.read_text()
        messages.extend(part for part in text.split("-" * 79) if "Message-ID:" in part)
    return messages
