"""The shared transition engine, exercised on a test-only model (tests/workflow_app)."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.exceptions import StaleVersion, TransitionNotAllowed
from tests.factories import DossierFactory
from tests.workflow_app.models import Dossier
from tests.workflow_app.workflows import DOSSIER_FLOW

pytestmark = pytest.mark.django_db

S = Dossier.Status
ALL_STATUSES = list(S.values)


def test_allowed_transition_moves_bumps_version_and_logs(ministry):
    dossier = DossierFactory(submitted=True)

    moved = DOSSIER_FLOW.apply(
        dossier, "approve", actor=ministry, comment="Fine", expected_version=1
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (S.APPROVED, 2)
    log = dossier.transitions.get()
    assert (log.actor, log.transition, log.from_status, log.to_status, log.comment) == (
        ministry, "approve", "submitted", "approved", "Fine"
    )  # fmt: skip
    assert moved.status == S.APPROVED


def test_transition_is_recorded_in_history_with_the_actor(ministry):
    dossier = DossierFactory(submitted=True)

    DOSSIER_FLOW.apply(dossier, "approve", actor=ministry)

    latest = dossier.history.latest()
    assert (latest.status, latest.history_user) == (S.APPROVED, ministry)


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("name", ["approve", "return_for_revision"])
def test_ministry_transition_allowed_if_and_only_if_status_is_a_source(ministry, status, name):
    dossier = DossierFactory(status=status)
    allowed = status in DOSSIER_FLOW.get(name).source

    if allowed:
        DOSSIER_FLOW.apply(dossier, name, actor=ministry, comment="why")
        dossier.refresh_from_db()
        assert dossier.status == DOSSIER_FLOW.get(name).target
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            DOSSIER_FLOW.apply(dossier, name, actor=ministry, comment="why")
        assert error.value.status_code == 409
        dossier.refresh_from_db()
        assert (dossier.status, dossier.version) == (status, 1)
        assert dossier.transitions.count() == 0


def test_someone_without_the_right_gets_permission_denied_not_a_state_hint(nih_expert):
    dossier = DossierFactory(status=S.DRAFT)

    with pytest.raises(PermissionDenied):
        DOSSIER_FLOW.apply(dossier, "approve", actor=nih_expert)


def test_stale_version_is_refused_and_changes_nothing(ministry):
    dossier = DossierFactory(submitted=True, version=4)

    with pytest.raises(StaleVersion) as error:
        DOSSIER_FLOW.apply(dossier, "approve", actor=ministry, expected_version=3)

    assert error.value.current == 4
    assert error.value.status_code == 412
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_a_transition_that_needs_a_comment_refuses_an_empty_one(ministry):
    dossier = DossierFactory(submitted=True)

    with pytest.raises(TransitionNotAllowed, match="needs a comment"):
        DOSSIER_FLOW.apply(dossier, "return_for_revision", actor=ministry, comment="  ")

    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_unknown_transition_is_a_clear_error(ministry):
    with pytest.raises(TransitionNotAllowed, match="no step called"):
        DOSSIER_FLOW.apply(DossierFactory(), "teleport", actor=ministry)


def test_available_lists_only_what_this_user_may_do_now(ministry, nih_expert):
    owner_dossier = DossierFactory(owner=nih_expert)

    assert [t.name for t in DOSSIER_FLOW.available(owner_dossier, nih_expert)] == ["submit"]
    assert DOSSIER_FLOW.available(owner_dossier, ministry) == []
    submitted = DossierFactory(submitted=True)
    assert [t.name for t in DOSSIER_FLOW.available(submitted, ministry)] == [
        "approve",
        "return_for_revision",
    ]
