"""Rules of the MoU app written once (issue 13): the status sets, "overdue" per dated model,
the breadcrumbs of every MoU page and the edit-conflict messages, asked the same way by the
pages, the services and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mou import workflows
from mou.models import Mou, Obligation, ReviewRound
from portal.pages import STALE_STEP_MESSAGE, UNREADABLE_STEP_MESSAGE
from tests.factories import ClauseFactory, MouFactory

pytestmark = pytest.mark.django_db

S = Mou.Status
LONG_TITLE = "Memorandum of Understanding on genomics, " * 4


def html_of(response) -> str:
    return response.content.decode()


def test_the_status_sets_cover_the_road_and_its_ends():
    assert set(workflows.ROAD_TO_FORCE) | workflows.ENDED_STATUSES == set(S.values)
    assert workflows.UNSIGNED_STATUSES.isdisjoint(workflows.SIGNED_STATUSES)
    assert set(S.values) == workflows.UNSIGNED_STATUSES | workflows.SIGNED_STATUSES
    assert workflows.BINDING_STATUSES < workflows.SIGNED_STATUSES
    assert workflows.EDITABLE_STATUSES <= workflows.PUBLISHABLE_STATUSES


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (Obligation.Status.OPEN, -1, True),
        (Obligation.Status.IN_PROGRESS, -1, True),
        (Obligation.Status.OPEN, 0, False),
        (Obligation.Status.MET, -1, False),
        (Obligation.Status.WAIVED, -30, False),
    ],
)
def test_an_obligation_is_overdue_by_one_rule(status, due, overdue):
    today = timezone.localdate()
    obligation = Obligation.objects.create(
        mou=MouFactory(status=S.SIGNED), party="gop", description="x",
        due_on=today + dt.timedelta(days=due), status=status,
    )  # fmt: skip

    assert obligation.is_overdue is overdue
    assert Obligation.objects.overdue().filter(pk=obligation.pk).exists() is overdue


def test_a_review_round_is_overdue_while_open_past_its_day(ministry):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    from mou.services import mou_version_publish

    version = mou_version_publish(mou=mou, actor=ministry)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    late = ReviewRound.objects.create(
        mou=mou, version=version, title="Late", due_on=yesterday, requested_by=ministry
    )
    closed = ReviewRound.objects.create(
        mou=mou, version=version, title="Closed", due_on=yesterday, requested_by=ministry,
        closed_at=timezone.now(),
    )  # fmt: skip

    assert (late.is_overdue, closed.is_overdue) == (True, False)
    assert list(ReviewRound.objects.overdue()) == [late]


@pytest.mark.parametrize(("status", "overdue"), [(S.APPROVED, True), (S.SIGNED, False)])
def test_the_signing_deadline_is_missed_only_before_signature(status, overdue):
    mou = MouFactory(status=status, signing_deadline_on=timezone.localdate() - dt.timedelta(1))

    assert mou.is_signing_overdue is overdue
    assert Mou.objects.signing_overdue().filter(pk=mou.pk).exists() is overdue


@pytest.mark.parametrize(
    "url_name", ["mou-detail", "clause-list", "review-list", "signing", "obligation-list"]
)
def test_every_mou_page_shortens_a_long_title_in_its_breadcrumbs_alike(client, ministry, url_name):
    # The signing pages used to show the whole title; the drafting pages cut it at 70.
    mou = MouFactory(title=LONG_TITLE.strip(), status=S.SIGNED)
    client.force_login(ministry)

    response = client.get(reverse(f"mou:{url_name}", args=[mou.pk]))

    crumbs = response.context["breadcrumbs"]
    assert response.status_code == 200
    assert len(str(crumbs[2]["label"])) == 70


def test_a_stale_obligation_step_says_the_shared_words(client, ministry):
    mou = MouFactory(status=S.SIGNED)
    obligation = Obligation.objects.create(
        mou=mou, party="gop", description="x", due_on=timezone.localdate()
    )
    client.force_login(ministry)
    url = reverse("mou:obligation-transition", args=[obligation.pk])

    stale = client.post(url, {"transition": "start", "version": 7})
    unreadable = client.post(url, {"transition": "start"})

    assert stale.status_code == 409
    assert str(STALE_STEP_MESSAGE) in [str(m) for m in stale.context["messages"]]
    assert unreadable.status_code == 400
    assert str(UNREADABLE_STEP_MESSAGE) in [str(m) for m in unreadable.context["messages"]]
