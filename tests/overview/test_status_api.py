"""GET /api/v1/status/: shape and values, ETag / If-None-Match, permissions, flat queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from collaboration.models import Recommendation
from mou.models import Mou
from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    VisitFactory,
)
from tests.overview.factories import LogisticsTaskFactory, MouVersionFactory, build_programme

pytestmark = pytest.mark.django_db

URL = "/api/v1/status/"


def test_the_url_is_named():
    assert reverse("api:status") == URL


def _arrange():
    today = timezone.localdate()
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    indicator = IndicatorFactory(
        objective__priority_area=area,
        name="Carriers screened",
        baseline=Decimal("100"),
        target=Decimal("500"),
    )
    IndicatorValueFactory(indicator=indicator, period="2026-Q3", actual=Decimal("300"))
    RecommendationFactory(priority_areas=[area], submitted=True)
    RecommendationFactory(priority_areas=[area])
    RecommendationFactory(priority_areas=[area])
    visit = VisitFactory(title="Visit to Shenzhen", starts_on=today + dt.timedelta(days=20))
    DelegationMemberFactory(
        visit=visit,
        role="head",
        passport_expires_on=dt.date(2035, 1, 1),
        visa_applied_on=today,
        visa_issued_on=today,
        travel_approval_on=today,
        tickets_issued_on=today,
        insurance_on=today,
    )
    DelegationMemberFactory(visit=visit)
    LogisticsTaskFactory(visit=visit, done_on=today)
    mou = MouFactory(title="The MoU", status=Mou.Status.NEGOTIATION)
    MouVersionFactory(mou=mou, number=1)
    MouVersionFactory(mou=mou, number=2)
    ActionItemFactory(due_on=today - dt.timedelta(days=2))
    ActionItemFactory(due_on=today + dt.timedelta(days=3))
    ActionItemFactory(due_on=today + dt.timedelta(days=40))


def test_status_shape_and_values(api_as, api_client):
    _arrange()

    response = api_as(api_client).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "today",
        "last_changed_at",
        "priority_areas",
        "recommendations_by_state",
        "visits",
        "mou",
        "action_items",
        "genebank",
    }
    (area,) = body["priority_areas"]
    assert area["slug"] == "thalassemia"
    indicator = area["objectives"][0]["indicators"][0]
    assert indicator["name"] == "Carriers screened"
    assert indicator["percent"] == 50
    assert indicator["latest_actual"] == 300.0
    assert indicator["latest_period"] == "2026-Q3"
    assert area["recommendations_by_state"] == dict.fromkeys(Recommendation.Status.values, 0) | {
        "draft": 2,
        "submitted": 1,
    }
    assert body["recommendations_by_state"]["draft"] == 2
    (visit,) = body["visits"]
    assert visit["title"] == "Visit to Shenzhen"
    assert visit["readiness"] == {
        "members_ready": 1,
        "members_total": 2,
        "checks_done": 6,
        "checks_total": 12,
        "logistics_done": 1,
        "logistics_total": 1,
        "percent": 50,
        "is_ready": False,
    }
    assert body["mou"]["state"] == "negotiation"
    assert body["mou"]["current_version"] == 2
    assert body["mou"]["next_step"] == "Text agreed with BGI"
    assert body["mou"]["milestones"][0]["kind"] == "created"
    assert body["mou"]["milestones"][0]["label"] == "MoU created"
    assert body["action_items"] == {"overdue": 1, "upcoming": 1, "upcoming_days": 14}
    assert body["last_changed_at"] is not None


def test_304_while_unchanged_and_a_new_etag_after_a_change(
    api_as, ministry, django_capture_on_commit_callbacks
):
    _arrange()
    client = api_as(ministry)
    first = client.get(URL)
    etag = first["ETag"]

    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""

    with django_capture_on_commit_callbacks(execute=True):
        item = ActionItemFactory(title="A new deadline", due_on=timezone.localdate())
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["action_items"]["upcoming"] == 2
    assert item.pk


def test_a_stale_or_weak_etag(api_as, ministry):
    client = api_as(ministry)
    etag = client.get(URL)["ETag"]

    assert client.get(URL, HTTP_IF_NONE_MATCH='"not-it"').status_code == 200
    assert client.get(URL, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304


def test_anonymous_gets_401():
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_bgi_liaison_gets_403(api_as, bgi_liaison):
    response = api_as(bgi_liaison).get(URL)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("name", ["ministry", "approver", "nih_lead", "nih_expert", "api_client"])
def test_internal_roles_and_api_clients_get_200(api_as, persona, name):
    assert api_as(persona(name)).get(URL).status_code == 200


def test_query_count_does_not_grow_with_the_data(api_as, api_client):
    client = api_as(api_client)
    build_programme(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200

    build_programme(8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 25


def test_status_is_in_the_schema(api_as, api_client):
    schema = api_as(api_client).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"][URL]["get"]
    assert set(operation["responses"]) >= {"200", "304", "401", "403"}
    component = schema["components"]["schemas"]["ProgrammeStatus"]
    assert "last_changed_at" in component["properties"]
