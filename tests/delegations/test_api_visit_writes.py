"""Visits written through the API: the visit, its members and their readiness, objectives and
itinerary entries, through the pages' services and policies; If-Match on versioned records,
Idempotency-Key on POSTs, 400 with field errors and nothing changed on bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from delegations.models import DelegationMember, ItineraryItem, Visit, VisitObjective
from tests.factories import (
    DelegationMemberFactory,
    ItineraryItemFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationFactory,
    SiteFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"
NOT_MINISTRY = ["nih_lead", "nih_expert", "api_client"]


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def visit_body(**changes):
    body = {
        "title": "Technical visit to BGI Shenzhen",
        "purpose": "See the sequencing platform.",
        "starts_on": "2027-05-10",
        "ends_on": "2027-05-16",
        "destination": "Shenzhen, China",
    }
    return {**body, **changes}


@pytest.fixture
def programme():
    return ProgrammeFactory()


# The visit ------------------------------------------------------------------------------------


def test_ministry_proposes_a_visit(api_as, ministry, programme):
    response = api_as(ministry).post(
        VISITS, visit_body(responsible_officer=ministry.pk), format="json"
    )

    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    body = response.json()
    assert (body["id"], body["status"], body["title"]) == (
        visit.pk,
        "proposed",
        "Technical visit to BGI Shenzhen",
    )
    assert {"members", "readiness"} <= set(body)  # the internal detail
    assert response["ETag"] == f'"{visit.version}"'
    assert response["Location"].endswith(url("visit-detail", visit.pk))
    assert (visit.created_by, visit.responsible_officer) == (ministry, ministry)


@pytest.mark.parametrize("role", [*NOT_MINISTRY, "bgi_liaison"])
def test_only_ministry_staff_propose_visits(api_as, persona, programme, role):
    response = api_as(persona(role)).post(VISITS, visit_body(), format="json")

    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_a_return_before_the_departure_is_refused_by_the_service(api_as, ministry, programme):
    response = api_as(ministry).post(
        VISITS, visit_body(starts_on="2027-05-10", ends_on="2027-05-01"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["ends_on"] == [
        "The return date cannot be before the departure date."
    ]
    assert not Visit.objects.exists()


def test_bad_visit_input_is_400_with_field_errors(api_as, ministry, nih_lead, programme):
    response = api_as(ministry).post(
        VISITS,
        {"title": "", "starts_on": "May", "responsible_officer": nih_lead.pk},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "starts_on", "responsible_officer"}
    assert not Visit.objects.exists()


def test_a_visit_is_edited_on_its_etag_and_a_stale_edit_is_412(api_as, ministry, programme):
    visit = VisitFactory(programme=programme, title="Old", destination="Beijing, China")
    client = api_as(ministry)

    saved = client.patch(
        url("visit-detail", visit.pk), {"title": "New"}, format="json", HTTP_IF_MATCH='"1"'
    )
    stale = client.patch(
        url("visit-detail", visit.pk), {"title": "Lost"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert saved.status_code == 200
    assert saved["ETag"] == '"2"'
    assert saved.json()["destination"] == "Beijing, China"
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    visit.refresh_from_db()
    assert (visit.title, visit.version) == ("New", 2)


def test_a_put_with_dates_in_the_wrong_order_changes_nothing(api_as, ministry, programme):
    visit = VisitFactory(programme=programme, title="Kept")

    response = api_as(ministry).put(
        url("visit-detail", visit.pk),
        visit_body(title="Changed", starts_on="2027-06-10", ends_on="2027-06-01"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 400
    visit.refresh_from_db()
    assert (visit.title, visit.version) == ("Kept", 1)


def test_bgi_liaison_cannot_edit_a_shared_visit(api_as, bgi_liaison, programme):
    visit = VisitFactory(programme=programme, shared=True, title="Kept")

    response = api_as(bgi_liaison).patch(
        url("visit-detail", visit.pk), {"title": "Changed"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.title == "Kept"


def test_a_retried_visit_post_creates_one_visit(api_as, ministry, programme):
    client = api_as(ministry)

    first = client.post(VISITS, visit_body(), format="json", HTTP_IDEMPOTENCY_KEY="v-1")
    retry = client.post(VISITS, visit_body(), format="json", HTTP_IDEMPOTENCY_KEY="v-1")

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["ETag"] == first["ETag"]
    assert Visit.objects.count() == 1


# Members and their readiness ---------------------------------------------------------------


def test_ministry_adds_a_member_and_sees_the_readiness(api_as, ministry, nih_expert, programme):
    visit = VisitFactory(programme=programme)

    response = api_as(ministry).post(
        url("visit-members", visit.pk),
        {"user": nih_expert.pk, "role": "head", "passport_expires_on": "2030-01-01"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    member = DelegationMember.objects.get()
    assert (member.user, member.name, member.role) == (nih_expert, nih_expert.display_name, "head")
    body = response.json()
    assert [m["name"] for m in body["members"]] == [nih_expert.display_name]
    assert body["readiness"]["member_count"] == 1
    assert response["ETag"] == '"2"'  # a member changes the visit's ETag


def test_a_member_without_a_name_or_login_is_refused(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)

    response = api_as(ministry).post(
        url("visit-members", visit.pk), {"organisation": "NIH"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]
    assert not DelegationMember.objects.exists()


def test_a_second_head_is_a_conflict(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    DelegationMemberFactory(visit=visit, role="head")

    response = api_as(ministry).post(
        url("visit-members", visit.pk), {"name": "Dr B", "role": "head"}, format="json"
    )

    assert response.status_code == 409
    assert visit.members.count() == 1


def test_readiness_dates_are_updated_and_checked(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    member = DelegationMemberFactory(visit=visit, name="Dr A", visa_applied_on=dt.date(2027, 1, 1))
    client = api_as(ministry)
    member_url = url("visit-member-detail", visit.pk, member.pk)

    saved = client.patch(member_url, {"visa_issued_on": "2027-01-05"}, format="json")
    refused = client.patch(member_url, {"visa_issued_on": "2026-12-01"}, format="json")

    assert saved.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["visa_issued_on"] == [
        "The visa cannot be issued before it was applied for."
    ]
    member.refresh_from_db()
    assert (member.name, member.visa_issued_on) == ("Dr A", dt.date(2027, 1, 5))


def test_a_member_is_taken_off_and_the_record_stays(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    member = DelegationMemberFactory(visit=visit)

    response = api_as(ministry).delete(url("visit-member-detail", visit.pk, member.pk))
    again = api_as(ministry).delete(url("visit-member-detail", visit.pk, member.pk))

    assert response.status_code == 204
    assert again.status_code == 404
    member.refresh_from_db()
    assert member.is_active is False


def test_members_do_not_exist_for_bgi_liaison(api_as, bgi_liaison, programme):
    visit = VisitFactory(programme=programme, shared=True)
    member = DelegationMemberFactory(visit=visit, name="Kept")

    added = api_as(bgi_liaison).post(url("visit-members", visit.pk), {"name": "X"}, format="json")
    edited = api_as(bgi_liaison).patch(
        url("visit-member-detail", visit.pk, member.pk), {"name": "Changed"}, format="json"
    )

    assert (added.status_code, edited.status_code) == (404, 404)
    member.refresh_from_db()
    assert member.name == "Kept"
    assert visit.members.count() == 1


@pytest.mark.parametrize("role", NOT_MINISTRY)
def test_only_ministry_staff_change_members(api_as, persona, programme, role):
    visit = VisitFactory(programme=programme)

    response = api_as(persona(role)).post(
        url("visit-members", visit.pk), {"name": "Dr X"}, format="json"
    )

    assert response.status_code == (404 if role == "api_client" else 403)
    assert not DelegationMember.objects.exists()


# Objectives ---------------------------------------------------------------------------------


def test_ministry_adds_an_objective_for_a_recommendation(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    area = PriorityAreaFactory(slug="thalassemia", programme=programme)
    recommendation = RecommendationFactory(priority_areas=[area])

    response = api_as(ministry).post(
        url("visit-objectives", visit.pk),
        {"priority_area": "thalassemia", "recommendation": recommendation.pk, "text": "Pilot."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    objective = VisitObjective.objects.get()
    assert (objective.priority_area, objective.recommendation) == (area, recommendation)
    assert [o["text"] for o in response.json()["objectives"]] == ["Pilot."]


def test_a_recommendation_of_another_area_is_refused(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    PriorityAreaFactory(slug="thalassemia", programme=programme)
    other = RecommendationFactory(priority_areas=[PriorityAreaFactory(programme=programme)])

    response = api_as(ministry).post(
        url("visit-objectives", visit.pk),
        {"priority_area": "thalassemia", "recommendation": other.pk, "text": "Pilot."},
        format="json",
    )

    assert response.status_code == 400
    assert "recommendation" in response.json()["error"]["fields"]
    assert not VisitObjective.objects.exists()


def test_nih_cannot_add_objectives(api_as, nih_lead, programme):
    visit = VisitFactory(programme=programme)
    PriorityAreaFactory(slug="thalassemia", programme=programme)

    response = api_as(nih_lead).post(
        url("visit-objectives", visit.pk),
        {"priority_area": "thalassemia", "text": "Pilot."},
        format="json",
    )

    assert response.status_code == 403
    assert not VisitObjective.objects.exists()


# Itinerary ----------------------------------------------------------------------------------


def test_an_itinerary_entry_is_added_in_the_places_time(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    member = DelegationMemberFactory(visit=visit)
    site = SiteFactory(timezone="Asia/Shanghai")

    response = api_as(ministry).post(
        url("visit-itinerary", visit.pk),
        {
            "title": "Lab tour",
            "site": site.pk,
            "starts": "2027-01-11T09:30",
            "ends": "2027-01-11T12:00",
            "attendees": [member.pk],
            "notes": "Internal",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="i-1",
    )

    assert response.status_code == 201, response.json()
    item = ItineraryItem.objects.get()
    assert item.starts_at == dt.datetime(2027, 1, 11, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shenzhen
    assert response.json()["local_start"] == "2027-01-11T09:30:00+08:00"
    assert response.json()["notes"] == "Internal"
    assert response["ETag"] == '"1"'
    assert list(item.attendees.all()) == [member]


def test_an_entry_outside_the_visit_needs_is_outside_visit_through_the_api(
    api_as, ministry, programme
):
    visit = VisitFactory(programme=programme)  # 10 to 15 January 2027
    client = api_as(ministry)
    dinner = {"title": "Dinner", "starts": "2027-01-09T19:00", "ends": "2027-01-09T21:00"}

    refused = client.post(url("visit-itinerary", visit.pk), dinner, format="json")
    assert refused.status_code == 400
    assert "outside the visit" in refused.json()["error"]["fields"]["starts_at"][0]
    assert not ItineraryItem.objects.exists()

    saved = client.post(
        url("visit-itinerary", visit.pk), {**dinner, "is_outside_visit": True}, format="json"
    )
    assert saved.status_code == 201, saved.json()
    assert saved.json()["is_outside_visit"] is True
    assert ItineraryItem.objects.get().is_outside_visit


def test_an_end_before_the_start_and_a_foreign_attendee_are_refused(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    stranger = DelegationMemberFactory()  # of another visit
    client = api_as(ministry)
    base = {"title": "Tour", "starts": "2027-01-11T09:30", "ends": "2027-01-11T08:00"}

    backwards = client.post(url("visit-itinerary", visit.pk), base, format="json")
    foreign = client.post(
        url("visit-itinerary", visit.pk),
        {**base, "ends": "2027-01-11T10:00", "attendees": [stranger.pk]},
        format="json",
    )

    assert backwards.status_code == foreign.status_code == 400
    assert "ends_at" in backwards.json()["error"]["fields"]
    assert "attendees" in foreign.json()["error"]["fields"]
    assert not ItineraryItem.objects.exists()


def test_an_itinerary_entry_is_edited_on_its_own_etag(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    item = ItineraryItemFactory(visit=visit, title="Old")
    client = api_as(ministry)
    item_url = url("visit-itinerary-item", visit.pk, item.pk)

    saved = client.patch(item_url, {"title": "New"}, format="json", HTTP_IF_MATCH='"1"')
    stale = client.patch(item_url, {"title": "Lost"}, format="json", HTTP_IF_MATCH='"1"')
    unconditional = client.patch(item_url, {"title": "Lost"}, format="json")

    assert saved.status_code == 200, saved.json()
    assert saved["ETag"] == '"2"'
    assert saved.json()["starts_at"] == "2027-01-12T01:00:00Z"  # times kept
    assert (stale.status_code, unconditional.status_code) == (412, 428)
    item.refresh_from_db()
    assert (item.title, item.version) == ("New", 2)


def test_an_itinerary_entry_is_removed_and_kept_as_a_record(api_as, ministry, programme):
    visit = VisitFactory(programme=programme)
    item = ItineraryItemFactory(visit=visit)

    response = api_as(ministry).delete(url("visit-itinerary-item", visit.pk, item.pk))

    assert response.status_code == 204
    item.refresh_from_db()
    assert item.is_archived


@pytest.mark.parametrize("role", ["nih_expert", "bgi_liaison"])
def test_others_cannot_plan_the_itinerary(api_as, persona, programme, role):
    visit = VisitFactory(programme=programme, shared=True)

    response = api_as(persona(role)).post(
        url("visit-itinerary", visit.pk),
        {"title": "Tour", "starts": "2027-05-11T09:30", "ends": "2027-05-11T10:00"},
        format="json",
    )

    assert response.status_code == 403
    assert not ItineraryItem.objects.exists()


def test_the_schema_documents_the_visit_writes(api_as, ministry):
    schema = api_as(ministry).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]

    assert {"post"} <= set(paths["/api/v1/visits/"])
    assert {"put", "patch"} <= set(paths["/api/v1/visits/{id}/"])
    assert "post" in paths["/api/v1/visits/{id}/members/"]
    assert {"patch", "delete"} <= set(paths["/api/v1/visits/{id}/members/{member_id}/"])
    assert "post" in paths["/api/v1/visits/{id}/objectives/"]
    assert "post" in paths["/api/v1/visits/{id}/itinerary/"]
    item = paths["/api/v1/visits/{id}/itinerary/{item_id}/"]["patch"]
    assert {p["name"] for p in item["parameters"]} >= {"If-Match", "item_id"}
    create = paths["/api/v1/visits/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert create["requestBody"]["content"]["application/json"]["examples"]
