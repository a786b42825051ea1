"""MoU drafting through the API: clauses of the working draft, publishing a version, sharing it
with BGI and comments on versions, through the pages' services and policies; If-Match on
clauses, Idempotency-Key on POSTs, 400 with field errors and nothing changed on bad input."""

import pytest
from django.urls import reverse

from collaboration.models import Recommendation
from mou.models import Clause, ClauseComment, Mou, MouVersion
from mou.services import mou_version_publish, mou_version_share
from tests.factories import (
    ClauseFactory,
    MouFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"api:mou-{name}", args=args)


@pytest.fixture
def mou():
    mou = MouFactory(programme=ProgrammeFactory(), title="Genomics MoU")
    ClauseFactory(mou=mou, position=1, heading_en="Purpose", text_en="To cooperate.")
    return mou


@pytest.fixture
def published(mou, ministry):
    return mou_version_publish(mou=mou, actor=ministry, note="First")


def clause_body(**changes):
    body = {"heading_en": "Data sharing", "text_en": "Data stay in Pakistan."}
    return {**body, **changes}


# Clauses ------------------------------------------------------------------------------------


def test_ministry_adds_a_clause_citing_an_approved_recommendation(api_as, ministry, mou):
    area = PriorityAreaFactory(programme=mou.programme, slug="gene-bank")
    recommendation = RecommendationFactory(
        priority_areas=[area], status=Recommendation.Status.APPROVED
    )

    response = api_as(ministry).post(
        url("clauses", mou.pk),
        clause_body(priority_areas=["gene-bank"], recommendations=[recommendation.pk]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    clause = Clause.objects.get(heading_en="Data sharing")
    body = response.json()
    assert (body["id"], body["position"], body["version"]) == (clause.pk, 2, 1)
    assert body["is_out_of_step"] is True  # no Chinese text yet
    assert body["priority_areas"] == ["gene-bank"]
    assert body["recommendations"] == [recommendation.pk]
    assert response["ETag"] == '"1"'


def test_a_draft_recommendation_cannot_be_cited(api_as, ministry, mou):
    draft = RecommendationFactory(priority_areas=[PriorityAreaFactory(programme=mou.programme)])

    response = api_as(ministry).post(
        url("clauses", mou.pk), clause_body(recommendations=[draft.pk]), format="json"
    )

    assert response.status_code == 400
    assert "recommendations" in response.json()["error"]["fields"]
    assert mou.clauses.count() == 1


def test_bad_clause_input_is_400_and_adds_nothing(api_as, ministry, mou):
    response = api_as(ministry).post(
        url("clauses", mou.pk), {"heading_en": "x" * 301, "priority_areas": ["nope"]}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"heading_en", "text_en", "priority_areas"}
    assert mou.clauses.count() == 1


def test_clauses_change_only_while_drafting_or_negotiating(api_as, ministry):
    agreed = MouFactory(programme=ProgrammeFactory(), text_agreed=True)

    response = api_as(ministry).post(url("clauses", agreed.pk), clause_body(), format="json")

    assert response.status_code == 409
    assert not agreed.clauses.exists()


@pytest.mark.parametrize("role", ["nih_lead", "nih_expert"])
def test_only_ministry_staff_draft_clauses(api_as, persona, mou, role):
    response = api_as(persona(role)).post(url("clauses", mou.pk), clause_body(), format="json")

    assert response.status_code == 403
    assert mou.clauses.count() == 1


@pytest.mark.parametrize("role", ["bgi_liaison", "api_client"])
def test_the_working_draft_is_not_written_by_outsiders(api_as, persona, mou, published, role):
    mou_version_share(version=published, actor=None)

    response = api_as(persona(role)).post(url("clauses", mou.pk), clause_body(), format="json")

    # BGI's liaison does not see the working draft at all; a machine account reads only.
    assert response.status_code == (404 if role == "bgi_liaison" else 403)
    assert mou.clauses.count() == 1


def test_the_working_draft_is_listed_for_internal_people(api_as, nih_expert, bgi_liaison, mou):
    listed = api_as(nih_expert).get(url("clauses", mou.pk))

    assert listed.status_code == 200
    assert [c["heading_en"] for c in listed.json()] == ["Purpose"]
    assert api_as(bgi_liaison).get(url("clauses", mou.pk)).status_code == 404


def test_a_clause_is_edited_on_its_etag(api_as, ministry, mou):
    clause = mou.clauses.get()
    client = api_as(ministry)
    clause_url = url("clause-detail", mou.pk, clause.pk)

    saved = client.patch(clause_url, {"text_en": "To cooperate closely."}, format="json",
                         HTTP_IF_MATCH='"1"')  # fmt: skip
    stale = client.patch(clause_url, {"text_en": "Lost"}, format="json", HTTP_IF_MATCH='"1"')
    missing = client.patch(clause_url, {"text_en": "Lost"}, format="json")

    assert saved.status_code == 200, saved.json()
    assert saved["ETag"] == '"2"'
    assert saved.json()["heading_en"] == "Purpose"  # not sent: kept
    assert saved.json()["lagging_language"] == "zh"  # the Chinese did not follow
    assert (stale.status_code, missing.status_code) == (412, 428)
    clause.refresh_from_db()
    assert (clause.text_en, clause.version) == ("To cooperate closely.", 2)


def test_a_clause_of_another_mou_is_not_found(api_as, ministry, mou):
    other = ClauseFactory()

    response = api_as(ministry).patch(
        url("clause-detail", mou.pk, other.pk), {"text_en": "X"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 404


# Versions -------------------------------------------------------------------------------------


def test_ministry_publishes_a_version_once_per_idempotency_key(api_as, ministry, mou):
    client = api_as(ministry)

    first = client.post(url("versions", mou.pk), {"note": "For BGI"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="p-1")  # fmt: skip
    retry = client.post(url("versions", mou.pk), {"note": "For BGI"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="p-1")  # fmt: skip

    assert first.status_code == retry.status_code == 201
    assert first.json()["number"] == 1
    assert first.json()["shared"] is False
    assert retry["Idempotent-Replayed"] == "true"
    assert MouVersion.objects.filter(mou=mou).count() == 1
    assert MouVersion.objects.get().clauses.count() == 1


def test_an_empty_draft_cannot_be_published(api_as, ministry):
    empty = MouFactory(programme=ProgrammeFactory())

    response = api_as(ministry).post(url("versions", empty.pk), {}, format="json")

    assert response.status_code == 400
    assert "clauses" in response.json()["error"]["fields"]
    assert not MouVersion.objects.exists()


@pytest.mark.parametrize("role", ["nih_lead", "nih_expert", "api_client", "bgi_liaison"])
def test_only_ministry_staff_publish(api_as, persona, mou, published, role):
    mou_version_share(version=published, actor=None)  # so BGI's liaison sees the MoU

    response = api_as(persona(role)).post(url("versions", mou.pk), {}, format="json")

    assert response.status_code == 403
    assert MouVersion.objects.filter(mou=mou).count() == 1


def test_ministry_shares_a_version_with_bgi_once(api_as, ministry, mou, published):
    client = api_as(ministry)

    shared = client.post(url("version-share", mou.pk, published.number))
    again = client.post(url("version-share", mou.pk, published.number))

    assert shared.status_code == 200
    assert shared.json()["shared"] is True
    assert again.status_code == 409
    published.refresh_from_db()
    assert published.is_shared_with_bgi


@pytest.mark.parametrize("role", ["nih_lead", "api_client"])
def test_others_cannot_share(api_as, persona, mou, published, role):
    response = api_as(persona(role)).post(url("version-share", mou.pk, published.number))

    assert response.status_code == 403
    published.refresh_from_db()
    assert not published.is_shared_with_bgi


# Comments -------------------------------------------------------------------------------------


def test_nih_comments_internally_on_a_version(api_as, nih_expert, mou, published):
    clause = published.clauses.get()

    response = api_as(nih_expert).post(
        url("version-comments", mou.pk, published.number),
        {"clause": str(clause.key), "body": "Name the annex.", "visible_to_bgi": True},
        format="json",
    )

    assert response.status_code == 201, response.json()
    comment = ClauseComment.objects.get()
    assert (comment.author, comment.clause, comment.body) == (nih_expert, clause, "Name the annex.")
    assert comment.is_visible_to_bgi is False  # the version is not shared


def test_bgi_liaison_comments_on_a_shared_version_only(
    api_as, ministry, bgi_liaison, mou, published
):
    second = mou_version_publish(mou=Mou.objects.get(pk=mou.pk), actor=ministry)
    mou_version_share(version=published, actor=None)
    client = api_as(bgi_liaison)

    on_shared = client.post(
        url("version-comments", mou.pk, published.number),
        {"clause": str(published.clauses.get().key), "body": "Agreed."},
        format="json",
    )
    on_unshared = client.post(
        url("version-comments", mou.pk, second.number),
        {"clause": str(second.clauses.get().key), "body": "Hidden?"},
        format="json",
    )

    assert on_shared.status_code == 201
    assert on_shared.json()["is_from_bgi"] is True
    assert on_unshared.status_code == 404  # an unshared version does not exist for BGI
    assert ClauseComment.objects.count() == 1


def test_api_clients_cannot_comment(api_as, api_client, mou, published):
    response = api_as(api_client).post(
        url("version-comments", mou.pk, published.number),
        {"clause": str(published.clauses.get().key), "body": "Hi"},
        format="json",
    )

    assert response.status_code == 403
    assert not ClauseComment.objects.exists()


def test_a_clause_not_in_the_version_and_an_empty_body_are_refused(
    api_as, ministry, mou, published
):
    client = api_as(ministry)
    comments_url = url("version-comments", mou.pk, published.number)

    foreign = client.post(
        comments_url,
        {"clause": "5b0e7a52-1d4c-4c57-9d55-0f8f0c6c2b61", "body": "X"},
        format="json",
    )
    blank = client.post(
        comments_url, {"clause": str(published.clauses.get().key), "body": "  "}, format="json"
    )

    assert foreign.status_code == blank.status_code == 400
    assert "clause" in foreign.json()["error"]["fields"]
    assert "body" in blank.json()["error"]["fields"]
    assert not ClauseComment.objects.exists()


def test_the_schema_documents_the_drafting_writes(api_as, ministry):
    schema = api_as(ministry).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/mous/{id}/clauses/"])
    clause = paths["/api/v1/mous/{id}/clauses/{clause_id}/"]["patch"]
    assert "If-Match" in {p["name"] for p in clause["parameters"]}
    assert {"get", "post"} <= set(paths["/api/v1/mous/{id}/versions/"])
    assert "post" in paths["/api/v1/mous/{id}/versions/{number}/share/"]
    comments = paths["/api/v1/mous/{id}/versions/{number}/comments/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in comments["parameters"]}
    assert comments["requestBody"]["content"]["application/json"]["examples"]
