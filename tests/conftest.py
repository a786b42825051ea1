"""Personas named after the demo logins, API clients, and guards on the test environment."""

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.models import Role, User
from portal.services import api_token_create
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
IN_CI = os.environ.get("CI", "").lower() == "true"

PERSONAS = {
    "ministry": (Role.MINISTRY, User.Organisation.MINISTRY),
    "approver": (Role.APPROVER, User.Organisation.MINISTRY),
    "nih_lead": (Role.NIH_LEAD, User.Organisation.NIH),
    "nih_expert": (Role.NIH_EXPERT, User.Organisation.NIH),
    "nih_expert2": (Role.NIH_EXPERT, User.Organisation.NIH),
    "bgi_liaison": (Role.BGI_LIAISON, User.Organisation.BGI),
    "api_client": (Role.API_CLIENT, User.Organisation.MINISTRY),
    "administrator": (Role.ADMINISTRATOR, User.Organisation.OTHER),
}


def make_persona(name: str) -> User:
    role, organisation = PERSONAS[name]
    return UserFactory(username=name, organisation=organisation, roles=[role])


def _persona_fixture(name):
    @pytest.fixture(name=name)
    def _fixture(db):
        return make_persona(name)

    return _fixture


for _name in PERSONAS:
    globals()[_name] = _persona_fixture(_name)


@pytest.fixture
def persona(db):
    """Build a persona by name inside a parametrised test: persona("nih_lead")."""
    return make_persona


@pytest.fixture
def api_as():
    """An APIClient authenticated with a real API token of the given user."""

    def _client(user: User) -> APIClient:
        _token, key = api_token_create(user=user, name="test", actor=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Urdu or Chinese leaves its
    language active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _ci_runs_on_postgresql(django_db_setup, django_db_blocker):
    """Under CI the suite must run on PostgreSQL: SQLite would hide real-database behaviour."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if IN_CI and vendor != "postgresql":
        pytest.exit(f"CI=true but the tests ran on {vendor}; set DATABASE_URL to PostgreSQL.", 3)


def require_service(available: bool, what: str) -> None:
    """Skip locally when a service is missing; under CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available.")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def team(nih_lead, nih_expert, nih_expert2):
    """The NIH technical team: the lead and two experts, all current."""
    from collaboration.models import TeamMembership
    from tests.factories import TeamMembershipFactory, TechnicalTeamFactory

    team = TechnicalTeamFactory()
    TeamMembershipFactory(team=team, user=nih_lead, role=TeamMembership.Role.LEAD)
    TeamMembershipFactory(team=team, user=nih_expert)
    TeamMembershipFactory(team=team, user=nih_expert2)
    return team


# Tests that must run one after another on one xdist worker, by file (or file::test). Real
# Celery workers of two tests would take each other's tasks from the shared test broker; the
# permission matrix builds one large world per module. The files also carry the matching
# `xdist_group` mark, as documentation; `pytest_collection_modifyitems` checks the two agree.
XDIST_GROUPS = {
    "tests/permissions/test_matrix.py": "permission-matrix",
    "tests/permissions/test_outsiders.py": "permission-matrix",
    "tests/reminders/test_reminder_worker.py": "celery-worker",
    "tests/browser/test_report_journey.py": "celery-worker",
    "tests/reports/test_worker.py": "celery-worker",
    "tests/portal/test_celery_worker.py": "celery-worker",
    "tests/events/test_webhook_worker.py": "celery-worker",
    "tests/portal/test_healthz.py::test_healthz_reports_a_running_worker_and_then_a_stopped_one": (
        "celery-worker"
    ),
}


def xdist_group_of(nodeid: str) -> str | None:
    """The group a test belongs to (XDIST_GROUPS), by its node id."""
    path, _, rest = nodeid.partition("::")
    test = rest.split("[", 1)[0]
    return XDIST_GROUPS.get(f"{path}::{test}") or XDIST_GROUPS.get(path)


class _XdistGroups:
    """`--dist loadgroup` with the groups of XDIST_GROUPS, through pytest-xdist's public
    scheduler hook. (xdist 3.8 finds a test's group in a node id it rewrites from the mark, which
    pytest 9 no longer reads, so its own grouping spreads every group over the workers.)"""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        if config.getoption("dist", "no") != "loadgroup":
            return None
        from xdist.scheduler import LoadGroupScheduling

        class FileGroupScheduling(LoadGroupScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return xdist_group_of(nodeid) or nodeid

        return FileGroupScheduling(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistGroups(), "portal-xdist-groups")


def pytest_collection_modifyitems(config, items):
    """A test marked `xdist_group` must be in XDIST_GROUPS under the same name (and back)."""
    for item in items:
        marked = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        listed = xdist_group_of(item.nodeid)
        if marked != ({listed} if listed else set()):
            raise pytest.UsageError(
                f"{item.nodeid}: xdist_group mark {sorted(marked)} but XDIST_GROUPS says "
                f"{listed!r} (tests/conftest.py)"
            )
