"""Conditional reads (portal/freshness.py): lists and the status send ETag and Last-Modified,
answer 304 to their ETag from one small query, change after a write, differ per viewer; what
is not a programme change (a login, a token's use) leaves them alone; models nobody watches
keep Django's fast delete."""

import datetime as dt

import pytest
from django.contrib.auth import user_logged_in
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Recommendation
from portal.models import IdempotencyKey
from tests.factories import RecommendationFactory, VisitFactory
from tests.overview.factories import build_programme

pytestmark = pytest.mark.django_db

LIST = "/api/v1/recommendations/"
STATUS = "/api/v1/status/"


@pytest.mark.parametrize("url", [LIST, STATUS])
def test_a_read_sends_validators_and_answers_304_to_its_etag_with_no_body(api_as, ministry, url):
    RecommendationFactory()
    client = api_as(ministry)
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"].endswith("GMT")

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_the_list_answers_200_with_the_change_after_a_write(
    api_as, ministry, django_capture_on_commit_callbacks
):
    recommendation = RecommendationFactory(title="Newborn screening pilot")
    client = api_as(ministry)
    etag = client.get(LIST)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        recommendation.title = "Newborn screening in Islamabad"
        recommendation.save()
    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200
    assert again["ETag"] != etag
    assert again.json()["results"][0]["title"] == "Newborn screening in Islamabad"


def test_a_change_to_a_linked_name_changes_the_list_etag(
    api_as, ministry, nih_expert, django_capture_on_commit_callbacks
):
    RecommendationFactory(authors=[nih_expert])
    client = api_as(ministry)
    etag = client.get(LIST)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        nih_expert.full_name = "Dr Bilal Ahmed Khan"
        nih_expert.save()
    again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200
    assert again.json()["results"][0]["authors"][0]["name"] == "Dr Bilal Ahmed Khan"


def test_one_viewers_etag_is_not_another_viewers(api_as, ministry, nih_lead, team):
    RecommendationFactory(status=Recommendation.Status.TEAM_REVIEW)
    ministry_etag = api_as(ministry).get(LIST)["ETag"]

    lead = api_as(nih_lead).get(LIST, HTTP_IF_NONE_MATCH=ministry_etag)

    assert lead.status_code == 200  # their own steps, not the ministry's answer
    assert lead["ETag"] != ministry_etag
    assert "endorse" in lead.json()["results"][0]["available_transitions"]


def test_bgi_liaison_never_gets_a_304_for_what_internal_people_see(api_as, ministry, bgi_liaison):
    RecommendationFactory(title="Internal draft")
    internal_etag = api_as(ministry).get(LIST)["ETag"]

    liaison = api_as(bgi_liaison).get(LIST, HTTP_IF_NONE_MATCH=internal_etag)

    assert liaison.status_code == 200
    assert liaison.json()["count"] == 0


def test_the_etag_differs_by_query_string_and_language(api_as, ministry):
    RecommendationFactory()
    client = api_as(ministry)

    plain = client.get(LIST)["ETag"]
    filtered = client.get(LIST, {"status": "draft"})["ETag"]
    urdu = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ur")["ETag"]

    assert len({plain, filtered}) == 2
    assert client.get(LIST, {"status": "draft"}, HTTP_IF_NONE_MATCH=plain).status_code == 200
    assert urdu  # the language is part of it too (LocaleMiddleware may keep the account's)


def test_a_304_costs_one_query_after_authentication_at_any_size(
    api_as, ministry, django_assert_max_num_queries
):
    client = api_as(ministry)
    build_programme(1)
    small_etag = client.get(STATUS)["ETag"]
    list_etag = client.get(LIST)["ETag"]
    with django_assert_max_num_queries(4):  # token, roles, stamps (+ the token's touch)
        assert client.get(STATUS, HTTP_IF_NONE_MATCH=small_etag).status_code == 304
    with django_assert_max_num_queries(4):
        assert client.get(LIST, HTTP_IF_NONE_MATCH=list_etag).status_code == 304

    build_programme(6)  # written without commit callbacks: the stamps have not moved
    with django_assert_max_num_queries(4):
        assert client.get(STATUS, HTTP_IF_NONE_MATCH=small_etag).status_code == 304


def test_the_list_computes_in_the_same_number_of_queries_at_two_sizes(api_as, ministry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(ministry)
    RecommendationFactory.create_batch(2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LIST).status_code == 200
    RecommendationFactory.create_batch(30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(LIST).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_login_or_a_token_use_leaves_the_programme_validators_alone(
    api_as, client, ministry, django_capture_on_commit_callbacks
):
    api = api_as(ministry)
    RecommendationFactory()
    status_etag, list_etag = api.get(STATUS)["ETag"], api.get(LIST)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        request = RequestFactory().get("/")
        user_logged_in.send(sender=type(ministry), request=request, user=ministry)
        client.force_login(ministry)
        api.get(reverse("api:me"))  # a token's use is recorded on the token

    assert api.get(STATUS, HTTP_IF_NONE_MATCH=status_etag).status_code == 304
    assert api.get(LIST, HTTP_IF_NONE_MATCH=list_etag).status_code == 304


def test_deleting_sessions_or_expired_idempotency_keys_is_one_delete_each(
    client, ministry, django_assert_num_queries
):
    client.force_login(ministry)
    IdempotencyKey.objects.create(user=ministry, key="a", method="POST", path="/", request_hash="x")
    IdempotencyKey.objects.create(user=ministry, key="b", method="POST", path="/", request_hash="y")
    assert Session.objects.exists()

    with django_assert_num_queries(1):
        Session.objects.all().delete()
    with django_assert_num_queries(1):
        IdempotencyKey.objects.filter(created_at__lte=timezone.now()).delete()


# The status: current visits by default, every visit on request -------------------------------


def test_the_status_lists_current_visits_by_default_and_every_visit_with_visits_all(
    api_as, api_client
):
    today = timezone.localdate()
    VisitFactory(title="Ahead", starts_on=today + dt.timedelta(days=20))
    VisitFactory(
        title="Under way",
        in_progress=True,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=3),
    )
    VisitFactory(title="Undated", starts_on=None, ends_on=None)
    VisitFactory(
        title="Far ahead",
        starts_on=today + dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=205),
    )
    VisitFactory(
        title="Long past, never closed",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today - dt.timedelta(days=295),
    )
    VisitFactory(title="Done", completed=True, starts_on=today + dt.timedelta(days=5))
    client = api_as(api_client)

    default = {v["title"] for v in client.get(STATUS).json()["visits"]}
    every = {v["title"] for v in client.get(STATUS, {"visits": "all"}).json()["visits"]}
    current = {v["title"] for v in client.get(STATUS, {"visits": "current"}).json()["visits"]}

    assert default == current == {"Ahead", "Under way", "Undated"}
    assert every == default | {"Far ahead", "Long past, never closed", "Done"}


@pytest.mark.parametrize("value", ["some", ""])
def test_an_unknown_visits_choice_is_refused(api_as, api_client, value):
    response = api_as(api_client).get(STATUS, {"visits": value})

    assert response.status_code == 400


def test_the_schema_documents_the_visits_parameter_and_the_validators(api_as, api_client):
    schema = api_as(api_client).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][STATUS]["get"]

    (visits,) = [p for p in operation["parameters"] if p["name"] == "visits"]
    assert sorted(visits["schema"]["enum"]) == ["all", "current"]
    assert "304" in operation["responses"]
    assert "Last-Modified" in operation["responses"]["200"]["headers"]
    list_operation = schema["paths"][LIST]["get"]
    assert "304" in list_operation["responses"]
    assert "ETag" in list_operation["responses"]["200"]["headers"]


def test_a_list_row_has_the_shape_and_values_the_schema_declares(nih_expert):
    """The list's rows are built as plain dicts: the same as the declared fields give."""
    from decimal import Decimal

    from rest_framework import serializers

    from collaboration.api.serializers import RecommendationListItemSerializer
    from collaboration.selectors import recommendation_list
    from tests.factories import CapabilityFactory, PriorityAreaFactory

    full = RecommendationFactory(
        authors=[nih_expert],
        priority_areas=[PriorityAreaFactory()],
        created_by=nih_expert,
        estimated_cost_pkr=Decimal("1250000.50"),
        archived_at=timezone.now(),
    )
    full.capabilities.set([CapabilityFactory()])
    RecommendationFactory()
    for row in recommendation_list(viewer=nih_expert).order_by("pk"):
        serializer = RecommendationListItemSerializer(context={"available_transitions": {}})

        fast = serializer.to_representation(row)
        declared = serializers.ModelSerializer.to_representation(serializer, row)

        assert list(fast) == list(declared)
        assert fast == {**declared, "available_transitions": []}


def test_a_record_answers_304_from_its_version_alone_and_404_to_who_may_not_see_it(
    api_as, ministry, bgi_liaison, nih_expert, django_assert_max_num_queries
):
    recommendation = RecommendationFactory(authors=[nih_expert])
    url = f"{LIST}{recommendation.pk}/"
    client = api_as(ministry)
    client.get(url)

    with django_assert_max_num_queries(4):  # token, roles, the record (+ the token's touch)
        again = client.get(url, HTTP_IF_NONE_MATCH='"1"')

    assert again.status_code == 304
    assert again["ETag"] == '"1"'
    assert api_as(bgi_liaison).get(url, HTTP_IF_NONE_MATCH='"1"').status_code == 404
    assert client.get(url, HTTP_IF_NONE_MATCH='"0"').json()["authors"][0]["username"] == (
        "nih_expert"
    )


def test_a_list_request_it_would_refuse_is_refused_even_with_if_none_match_star(api_as, ministry):
    client = api_as(ministry)
    url = reverse("api:recommendation-list")

    refused = client.get(url, {"ordering": "nonsense"}, HTTP_IF_NONE_MATCH="*")
    fine = client.get(url, {"ordering": "title"}, HTTP_IF_NONE_MATCH="*")

    assert refused.status_code == 400
    assert fine.status_code == 304
