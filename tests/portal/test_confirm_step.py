"""Irreversible steps ask first (portal.pages.ask_first): "Share with BGI", approving or
rejecting a recommendation, cancelling a visit and recording a signature. Posted without
`confirmed`, each renders a confirmation page naming the consequence (no JavaScript: its form
posts the same fields again with `confirmed`) and changes nothing; the API needs no confirmation."""

import pytest
from django.urls import reverse

from collaboration.models import Recommendation, RecommendationTransition
from delegations.models import Visit
from mou.models import Mou, Signatory
from mou.services import mou_create, mou_version_publish, signatory_add
from tests.factories import ClauseFactory, ProgrammeFactory, RecommendationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def confirmation_fields(html: str) -> bool:
    page = html.split('data-testid="confirm-step"', 1)[1]
    return 'name="confirmed" value="1"' in page


def test_share_with_bgi_asks_first_then_shares(client, ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    ClauseFactory(mou=mou)
    version = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)
    url = reverse("mou:version-share", args=[mou.pk, version.number])

    asked = client.post(url)
    version.refresh_from_db()
    shared_before = version.is_shared_with_bgi
    confirmed = client.post(url, {"confirmed": "1"})

    assert asked.status_code == 200
    assert "Sharing cannot be undone" in html_of(asked)
    assert confirmation_fields(html_of(asked))
    assert f'action="{url}"' in html_of(asked)
    assert shared_before is False
    assert confirmed.status_code == 302
    version.refresh_from_db()
    assert version.is_shared_with_bgi is True


def test_approving_a_recommendation_asks_first_and_takes_an_optional_comment(
    client, team, ministry
):
    rec = RecommendationFactory(submitted=True, title="Gene bank")
    client.force_login(ministry)
    url = reverse("collaboration:recommendation-transition", args=[rec.pk])
    step = {"transition": "approve", "version": rec.version}

    asked = client.post(url, step)
    rec.refresh_from_db()
    status_before = rec.status
    approved = client.post(url, {**step, "confirmed": "1", "comment": "Fund from 2027."})

    html = html_of(asked)
    assert asked.status_code == 200
    assert "cannot be undone" in html
    assert "Comment (optional)" in html
    assert 'name="transition" value="approve"' in html
    assert status_before == Recommendation.Status.SUBMITTED
    assert approved.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.APPROVED
    log = RecommendationTransition.objects.get(subject=rec)
    assert (log.transition, log.comment) == ("approve", "Fund from 2027.")


def test_rejecting_a_recommendation_asks_first_keeping_the_reason(client, team, ministry):
    rec = RecommendationFactory(submitted=True)
    client.force_login(ministry)
    url = reverse("collaboration:recommendation-transition", args=[rec.pk])

    asked = client.post(url, {"transition": "reject", "version": rec.version, "comment": "Scope."})

    assert asked.status_code == 200
    assert "Rejecting is final" in html_of(asked)
    assert ">Scope.</textarea>" in html_of(asked)
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.SUBMITTED


def test_cancel_visit_is_labelled_and_asks_first(client, ministry):
    visit = VisitFactory(invitation_received=True)
    client.force_login(ministry)
    url = reverse("delegations:visit-transition", args=[visit.pk])
    step = {"transition": "cancel", "version": visit.version, "comment": "Budget cut."}

    page = html_of(client.get(visit.get_absolute_url()))
    asked = client.post(url, step)
    visit.refresh_from_db()
    status_before = visit.status
    cancelled = client.post(url, {**step, "confirmed": "1"})

    assert "Cancel visit" in page
    assert asked.status_code == 200
    assert "cannot be resumed" in html_of(asked)
    assert status_before == Visit.Status.INVITATION_RECEIVED
    assert cancelled.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_recording_a_signature_asks_first(client, ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.APPROVED)
    signatory = signatory_add(mou=mou, actor=ministry, name="Secretary Health",
                              title="Secretary", party="gop")  # fmt: skip
    client.force_login(ministry)
    url = reverse("mou:signature-record", args=[signatory.pk])
    data = {"signed_on": "2027-03-01", "place": "Islamabad"}

    asked = client.post(url, data)
    signatory.refresh_from_db()
    answer_before = signatory.answer
    recorded = client.post(url, {**data, "confirmed": "1"})

    html = html_of(asked)
    assert asked.status_code == 200
    assert "A recorded signature cannot be changed or removed" in html
    assert 'name="signed_on" value="2027-03-01"' in html
    assert answer_before == Signatory.Answer.PENDING
    assert recorded.status_code == 302
    signatory.refresh_from_db()
    assert signatory.answer == Signatory.Answer.SIGNED


def test_the_api_approves_without_a_confirmation_step(api_as, team, ministry):
    rec = RecommendationFactory(submitted=True)

    response = api_as(ministry).post(
        reverse("api:recommendation-transitions", args=[rec.pk]),
        {"transition": "approve", "comment": "Agreed."},
        HTTP_IF_MATCH=f'"{rec.version}"',
    )

    assert response.status_code == 200
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.APPROVED
