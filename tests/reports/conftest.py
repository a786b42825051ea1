"""Fixtures of the reports tests: the broker boundary, recorded or unreachable."""

import pytest
from kombu.exceptions import OperationalError

from reports import tasks


@pytest.fixture
def published(monkeypatch):
    """Record what would be published to the broker, instead of publishing it (the connection
    to the test broker is still opened, as for a real publish)."""
    calls: list[dict] = []

    def record(*args, **kwargs):
        kwargs.pop("connection", None)
        calls.append(kwargs)

    monkeypatch.setattr(tasks.build_report, "apply_async", record)
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does when Redis cannot be reached."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(tasks.build_report, "apply_async", refuse)
