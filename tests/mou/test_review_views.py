"""Review rounds and the clearance chain as each persona sees them."""

import datetime as dt

import pytest
from django.urls import reverse

from mou.models import Clearance, ReviewRequest, ReviewRound
from mou.services import mou_create, mou_version_publish, mou_version_share, review_round_open
from tests.factories import ClauseFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def mou(ministry):
    """An MoU with the default clearance chain and one published version."""
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    ClauseFactory(mou=mou)
    mou_version_publish(mou=mou, actor=ministry, note="For internal review")
    return mou


@pytest.fixture
def review(mou, ministry, nih_lead, approver):
    return review_round_open(
        mou=mou, version=mou.versions.get(), actor=ministry, title="Internal review",
        reviewers=[nih_lead, approver], due_on=dt.date(2027, 2, 1),
    )  # fmt: skip


def answer(client, review_request, **data):
    return client.post(reverse("mou:review-answer", args=[review_request.pk]), data)


# Review rounds ------------------------------------------------------------------------------


def test_ministry_opens_a_round_naming_reviewers(client, mou, ministry, nih_lead, nih_expert):
    client.force_login(ministry)
    url = reverse("mou:review-create", args=[mou.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "version": mou.versions.get().pk,
            "title": "NIH technical review",
            "due_on": "2027-02-01",
            "reviewers": [nih_lead.pk, nih_expert.pk],
        },
    )

    review = ReviewRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mou:review-detail", args=[review.pk])
    assert (review.title, review.requested_by, review.due_on) == (
        "NIH technical review",
        ministry,
        dt.date(2027, 2, 1),
    )
    assert set(review.requests.values_list("reviewer", flat=True)) == {nih_lead.pk, nih_expert.pk}


def test_a_round_needs_a_reviewer(client, mou, ministry):
    client.force_login(ministry)

    response = client.post(
        reverse("mou:review-create", args=[mou.pk]),
        {"version": mou.versions.get().pk, "title": "Review"},
    )

    assert response.status_code == 400
    assert ReviewRound.objects.count() == 0


def test_bgi_cannot_be_named_a_reviewer(client, mou, ministry, bgi_liaison):
    client.force_login(ministry)

    response = client.post(
        reverse("mou:review-create", args=[mou.pk]),
        {"version": mou.versions.get().pk, "title": "Review", "reviewers": [bgi_liaison.pk]},
    )

    assert response.status_code == 400
    assert ReviewRound.objects.count() == 0


def test_an_nih_expert_cannot_open_a_round(client, mou, nih_expert, nih_lead):
    client.force_login(nih_expert)

    response = client.post(
        reverse("mou:review-create", args=[mou.pk]),
        {"version": mou.versions.get().pk, "title": "Review", "reviewers": [nih_lead.pk]},
    )

    assert response.status_code == 403
    assert ReviewRound.objects.count() == 0


def test_a_named_reviewer_answers_and_the_round_closes_when_all_have(
    client, review, nih_lead, approver
):
    client.force_login(nih_lead)
    first = answer(client, review.requests.get(reviewer=nih_lead), decision="approved")

    assert first.status_code == 302
    review.refresh_from_db()
    assert review.closed_at is None
    page = html_of(client.get(reverse("mou:review-detail", args=[review.pk])))
    assert "1 of 2 reviewers have answered" in page

    client.force_login(approver)
    page_before = html_of(client.get(reverse("mou:review-detail", args=[review.pk])))
    assert 'id="review-answer-form"' in page_before
    second = answer(
        client,
        review.requests.get(reviewer=approver),
        decision="changes_requested",
        comment="Clause 4: name the governing law.",
    )

    assert second.status_code == 302
    review.refresh_from_db()
    assert review.closed_at is not None
    page = html_of(client.get(reverse("mou:review-detail", args=[review.pk])))
    assert "Clause 4: name the governing law." in page
    assert 'data-testid="round-state">Closed' in page
    assert 'id="review-answer-form"' not in page


def test_someone_not_named_cannot_answer(client, review, nih_lead, nih_expert):
    review_request = review.requests.get(reviewer=nih_lead)
    client.force_login(nih_expert)

    response = answer(client, review_request, decision="approved")

    assert response.status_code == 403
    review_request.refresh_from_db()
    assert (review_request.decision, review_request.answered_at) == ("pending", None)
    page = html_of(client.get(reverse("mou:review-detail", args=[review.pk])))
    assert 'id="review-answer-form"' not in page


def test_requesting_changes_needs_a_comment(client, review, nih_lead):
    review_request = review.requests.get(reviewer=nih_lead)
    client.force_login(nih_lead)

    response = answer(client, review_request, decision="changes_requested")

    assert response.status_code == 400
    assert "Say which changes you ask for." in html_of(response)
    review_request.refresh_from_db()
    assert review_request.decision == ReviewRequest.Decision.PENDING


def test_a_closed_round_takes_no_more_answers(client, review, nih_lead, approver):
    for reviewer in (nih_lead, approver):
        client.force_login(reviewer)
        answer(client, review.requests.get(reviewer=reviewer), decision="approved")
    ReviewRequest.objects.filter(reviewer=approver).update(decision="pending")
    client.force_login(approver)

    response = answer(client, review.requests.get(reviewer=approver), decision="approved")

    assert response.status_code == 409
    assert "This review round is closed." in html_of(response)


def test_review_list_shows_rounds_and_the_clearance_chain(client, review, nih_expert):
    client.force_login(nih_expert)

    response = client.get(reverse("mou:review-list", args=[review.mou_id]))

    html = html_of(response)
    assert response.status_code == 200
    assert "Internal review" in html
    assert "0 of 2" in html
    for name in Clearance.DEFAULT_CHAIN:
        assert name in html
    assert reverse("mou:review-create", args=[review.mou_id]) not in html  # not for NIH


# Clearances ---------------------------------------------------------------------------------


def test_ministry_records_a_clearance_shown_in_the_chain(client, mou, ministry):
    clearance = mou.clearances.get(position=1)
    client.force_login(ministry)

    response = client.post(
        reverse("mou:clearance-record", args=[clearance.pk]),
        {"decision": "cleared", "reference": "F.1-2/2027-Legal", "decided_on": "2027-01-15"},
    )

    assert response.status_code == 302
    clearance.refresh_from_db()
    assert (clearance.decision, clearance.reference, clearance.decided_on) == (
        "cleared",
        "F.1-2/2027-Legal",
        dt.date(2027, 1, 15),
    )
    assert clearance.recorded_by == ministry
    row = html_of(client.get(reverse("mou:review-list", args=[mou.pk]))).split(
        f'id="clearance-{clearance.pk}"', 1
    )[1]
    row = row.split("</tr>", 1)[0]
    assert "Cleared" in row
    assert "F.1-2/2027-Legal" in row
    assert ministry.display_name in row


def test_an_nih_expert_cannot_record_a_clearance(client, mou, nih_expert):
    clearance = mou.clearances.first()
    client.force_login(nih_expert)
    url = reverse("mou:clearance-record", args=[clearance.pk])

    page = client.get(url)
    response = client.post(url, {"decision": "cleared", "reference": "x"})

    assert (page.status_code, response.status_code) == (403, 403)
    clearance.refresh_from_db()
    assert (clearance.decision, clearance.recorded_by) == ("pending", None)


# Who may see what ---------------------------------------------------------------------------


def test_bgi_gets_404_for_reviews_and_clearances(client, mou, review, ministry, bgi_liaison):
    mou_version_share(version=mou.versions.get(), actor=ministry)
    client.force_login(bgi_liaison)
    review_request = review.requests.first()

    responses = [
        client.get(reverse("mou:review-list", args=[mou.pk])),
        client.get(reverse("mou:review-create", args=[mou.pk])),
        client.get(reverse("mou:review-detail", args=[review.pk])),
        client.post(
            reverse("mou:review-answer", args=[review_request.pk]), {"decision": "approved"}
        ),
        client.get(reverse("mou:clearance-record", args=[mou.clearances.first().pk])),
    ]

    assert [r.status_code for r in responses] == [404] * 5


@pytest.mark.parametrize("count", [10, 100])
def test_review_list_query_count_is_flat(
    client, mou, ministry, nih_lead, approver, django_assert_max_num_queries, count
):
    version = mou.versions.get()
    for n in range(count):
        review_round_open(mou=mou, version=version, actor=ministry, title=f"Round {n}",
                          reviewers=[nih_lead, approver])  # fmt: skip
        Clearance.objects.create(mou=mou, name=f"Extra clearance {n}", position=10 + n)
    client.force_login(ministry)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("mou:review-list", args=[mou.pk]))

    assert response.status_code == 200
    assert html_of(response).count("0 of 2") == count
