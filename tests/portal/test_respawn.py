"""`make run` keeps the portal up when its worker dies: scripts/respawn.sh starts it again."""

import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "respawn.sh"


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_procfile_runs_the_worker_and_beat_under_respawn():
    procfile = (ROOT / "Procfile.dev").read_text()
    assert "worker: scripts/respawn.sh celery -A portal worker" in procfile
    assert "beat: scripts/respawn.sh celery -A portal beat" in procfile


def test_a_killed_command_is_started_again_and_sigterm_stops_everything(tmp_path):
    starts = tmp_path / "starts"
    pids = tmp_path / "pids"
    command = f"echo x >> {starts}; echo $$ > {pids}; exec sleep 60"
    loop = subprocess.Popen(
        [str(SCRIPT), "bash", "-c", command],
        env={**os.environ, "RESPAWN_DELAY_SECONDS": "0.2"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: pids.exists() and pids.read_text().strip())
        first = int(pids.read_text())
        os.kill(first, signal.SIGKILL)  # as `kill -9` of the worker

        assert _wait_for(lambda: starts.exists() and len(starts.read_text().split()) == 2)
        assert _wait_for(lambda: pids.read_text().strip() and int(pids.read_text()) != first)
        second = int(pids.read_text())
        assert loop.poll() is None  # still running: honcho would keep the web up

        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=10) == 0
        assert _wait_for(lambda: not Path(f"/proc/{second}").exists() or _is_zombie(second))
        assert "starting it again" in loop.stderr.read()
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()
        loop.stderr.close()


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True
