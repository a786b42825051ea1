"""Meetings, decisions and action items written through the API: the pages' services and
policies, If-Match on edits, Idempotency-Key on POSTs, 400 with field errors and nothing
changed on bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import ActionItem, Decision, Meeting
from portal.models import IdempotencyKey
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    MeetingFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meetings/"
ACTION_ITEMS = "/api/v1/action-items/"


def meeting_body(**changes):
    body = {
        "title": "Joint steering committee",
        "held_at": "2026-03-12T10:00:00+05:00",
        "location": "Islamabad",
        "chair": "Secretary of Health",
        "minutes": "Agreed the pilot.",
    }
    return {**body, **changes}


@pytest.fixture
def programme():
    return ProgrammeFactory()


# Meetings -------------------------------------------------------------------------------------


def test_ministry_records_a_meeting_with_attendees(api_as, ministry, nih_lead, programme):
    response = api_as(ministry).post(MEETINGS, meeting_body(attendees=[nih_lead.pk]), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    meeting = Meeting.objects.get()
    assert body["id"] == meeting.pk
    assert body["title"] == "Joint steering committee"
    assert [a["id"] for a in body["attendees"]] == [nih_lead.pk]
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(reverse("api:meeting-detail", args=[meeting.pk]))
    assert meeting.created_by == ministry
    assert meeting.history.filter(history_user=ministry).exists()  # recorded


@pytest.mark.parametrize("role", ["nih_lead", "nih_expert", "bgi_liaison", "api_client"])
def test_only_ministry_staff_record_meetings(api_as, persona, programme, role):
    response = api_as(persona(role)).post(MEETINGS, meeting_body(), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Meeting.objects.exists()


def test_bad_meeting_input_is_400_with_field_errors_and_records_nothing(
    api_as, ministry, programme
):
    response = api_as(ministry).post(
        MEETINGS,
        {"title": "", "held_at": "yesterday", "attendees": [999999]},
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"title", "held_at", "attendees"}
    assert not Meeting.objects.exists()


def test_a_machine_account_is_not_an_attendee(api_as, ministry, api_client, programme):
    response = api_as(ministry).post(
        MEETINGS, meeting_body(attendees=[api_client.pk]), format="json"
    )

    assert response.status_code == 400
    assert "attendees" in response.json()["error"]["fields"]


def test_a_meeting_is_edited_on_its_etag_and_a_stale_one_is_412(api_as, ministry, programme):
    meeting = MeetingFactory(programme=programme, title="Old title", location="Lahore")
    client = api_as(ministry)
    url = reverse("api:meeting-detail", args=[meeting.pk])

    saved = client.patch(url, {"title": "New title"}, format="json", HTTP_IF_MATCH='"1"')
    stale = client.patch(url, {"title": "Lost"}, format="json", HTTP_IF_MATCH='"1"')
    missing = client.patch(url, {"title": "Lost"}, format="json")

    assert saved.status_code == 200
    assert saved["ETag"] == '"2"'
    assert saved.json()["location"] == "Lahore"  # not sent: kept
    assert stale.status_code == 412
    assert stale.json()["error"]["current_version"] == 2
    assert missing.status_code == 428
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("New title", 2)


def test_nih_cannot_edit_a_meeting(api_as, nih_lead, programme):
    meeting = MeetingFactory(programme=programme, title="Kept")

    response = api_as(nih_lead).patch(
        reverse("api:meeting-detail", args=[meeting.pk]),
        {"title": "Changed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Kept"


def test_a_retried_meeting_post_is_recorded_once(api_as, ministry, programme):
    client = api_as(ministry)

    first = client.post(MEETINGS, meeting_body(), format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    retry = client.post(MEETINGS, meeting_body(), format="json", HTTP_IDEMPOTENCY_KEY="m-1")

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Meeting.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_ministry_records_a_decision(api_as, ministry, programme):
    meeting = MeetingFactory(programme=programme)
    DecisionFactory(meeting=meeting)
    url = reverse("api:meeting-decisions", args=[meeting.pk])

    response = api_as(ministry).post(url, {"text": "Start with 200 samples."}, format="json")
    empty = api_as(ministry).post(url, {"text": ""}, format="json")

    assert response.status_code == 201
    assert response.json()["text"] == "Start with 200 samples."
    assert response.json()["position"] == 1
    assert empty.status_code == 400
    assert "text" in empty.json()["error"]["fields"]
    assert Decision.objects.filter(meeting=meeting).count() == 2


def test_nih_cannot_record_a_decision(api_as, nih_expert, programme):
    meeting = MeetingFactory(programme=programme)

    response = api_as(nih_expert).post(
        reverse("api:meeting-decisions", args=[meeting.pk]), {"text": "No."}, format="json"
    )

    assert response.status_code == 403
    assert not Decision.objects.exists()


# Action items ---------------------------------------------------------------------------------


def item_body(owner, **changes):
    body = {
        "title": "Send the sample transfer protocol",
        "owner": owner.pk,
        "due_on": str(timezone.localdate() + dt.timedelta(days=10)),
    }
    return {**body, **changes}


def test_ministry_creates_an_action_item_from_a_decision(api_as, ministry, nih_lead, programme):
    decision = DecisionFactory(meeting=MeetingFactory(programme=programme))

    response = api_as(ministry).post(
        ACTION_ITEMS, item_body(nih_lead, decision=decision.pk), format="json"
    )

    assert response.status_code == 201, response.json()
    item = ActionItem.objects.get()
    assert response.json()["owner"]["id"] == nih_lead.pk
    assert response.json()["meeting"]["id"] == decision.meeting_id  # taken from the decision
    assert response["ETag"] == '"1"'
    assert (item.decision, item.created_by) == (decision, ministry)


def test_a_decision_of_another_meeting_is_refused_by_the_service(
    api_as, ministry, nih_lead, programme
):
    decision = DecisionFactory(meeting=MeetingFactory(programme=programme))
    other = MeetingFactory(programme=programme)

    response = api_as(ministry).post(
        ACTION_ITEMS,
        item_body(nih_lead, meeting=other.pk, decision=decision.pk),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["decision"] == [
        "That decision belongs to another meeting."
    ]
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("role", ["nih_lead", "nih_expert", "bgi_liaison", "api_client"])
def test_only_ministry_staff_create_action_items(api_as, persona, nih_lead, programme, role):
    response = api_as(persona(role)).post(ACTION_ITEMS, item_body(nih_lead), format="json")

    assert response.status_code == 403
    assert not ActionItem.objects.exists()


def test_bad_action_item_input_changes_nothing(api_as, ministry, api_client, programme):
    response = api_as(ministry).post(
        ACTION_ITEMS,
        {"title": "x" * 301, "owner": api_client.pk, "due_on": "soon", "meeting": 424242},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "owner", "due_on", "meeting"}
    assert not ActionItem.objects.exists()


def test_an_action_item_is_edited_on_its_etag(api_as, ministry, nih_lead, nih_expert, programme):
    item = ActionItemFactory(programme=programme, owner=nih_lead, description="Keep me")
    url = reverse("api:action-item-detail", args=[item.pk])
    client = api_as(ministry)

    saved = client.patch(url, {"owner": nih_expert.pk}, format="json", HTTP_IF_MATCH='"1"')
    stale = client.patch(url, {"title": "Lost"}, format="json", HTTP_IF_MATCH='"1"')

    assert saved.status_code == 200
    assert saved.json()["owner"]["id"] == nih_expert.pk
    assert saved.json()["description"] == "Keep me"
    assert saved["ETag"] == '"2"'
    assert stale.status_code == 412
    item.refresh_from_db()
    assert (item.owner, item.version) == (nih_expert, 2)


def test_a_finished_action_item_cannot_be_edited(api_as, ministry, programme):
    item = ActionItemFactory(programme=programme, done=True, title="Done")

    response = api_as(ministry).patch(
        reverse("api:action-item-detail", args=[item.pk]),
        {"title": "Changed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 409
    item.refresh_from_db()
    assert item.title == "Done"


def test_the_owner_moves_but_cannot_edit_their_item(api_as, nih_expert, programme):
    item = ActionItemFactory(programme=programme, owner=nih_expert, title="Mine")

    response = api_as(nih_expert).patch(
        reverse("api:action-item-detail", args=[item.pk]),
        {"title": "Changed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Mine"


def test_a_put_replaces_the_action_item(api_as, ministry, nih_lead, programme):
    meeting = MeetingFactory(programme=programme)
    item = ActionItemFactory(programme=programme, owner=nih_lead, meeting=meeting)

    response = api_as(ministry).put(
        reverse("api:action-item-detail", args=[item.pk]),
        item_body(nih_lead, title="Replaced"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200
    assert response.json()["meeting"] is None  # not sent in a PUT: cleared
    item.refresh_from_db()
    assert (item.title, item.meeting) == ("Replaced", None)


def test_no_programme_yet_is_a_clear_409(api_as, ministry, nih_lead):
    response = api_as(ministry).post(ACTION_ITEMS, item_body(nih_lead), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_programme"


def test_a_meeting_outside_1900_to_2100_is_refused(api_as, ministry, programme):
    response = api_as(ministry).post(
        MEETINGS, meeting_body(held_at="1303-11-06T05:36:40+04:28"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["held_at"] == [
        "Give a date between the years 1900 and 2100."
    ]
    assert not Meeting.objects.exists()


def test_writes_take_json_only(api_as, ministry, programme):
    response = api_as(ministry).post(MEETINGS, meeting_body(), format="multipart")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not Meeting.objects.exists()


def test_an_idempotency_key_on_a_method_the_endpoint_does_not_take_is_405(
    api_as, ministry, programme
):
    meeting = MeetingFactory(programme=programme)
    client = api_as(ministry)
    url = reverse("api:meeting-decisions", args=[meeting.pk])
    client.post(url, {"text": "First."}, format="json", HTTP_IDEMPOTENCY_KEY="d-1")

    response = client.patch(url, {"text": "Other."}, format="json", HTTP_IDEMPOTENCY_KEY="d-1")

    assert response.status_code == 405
    assert Decision.objects.count() == 1
