"""Meetings: the list, the meeting page with decisions and action items, recording and editing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import ActionItem, Decision, Meeting
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    MeetingFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _meeting_form(**overrides):
    data = {
        "title": "Roadmap meeting with the NIH Executive Director",
        "held_at": "2026-10-01T10:00",
        "location": "Ministry, Islamabad",
        "chair": "Minister of State for Health",
        "official_reference": "F.No. 1-2/2026-IH",
        "external_attendees": "BGI country manager\nWHO observer",
        "minutes": "Agreed the **four priority areas**.",
    }
    data.update(overrides)
    return data


# Recording and editing ----------------------------------------------------------------------


def test_ministry_records_a_meeting(client, ministry, nih_lead):
    ProgrammeFactory()
    client.force_login(ministry)
    form_html = client.get(reverse("collaboration:meeting-create")).content.decode()
    assert 'type="datetime-local"' in form_html
    assert '<select name="attendees"' in form_html
    assert "multiple" in form_html.split('<select name="attendees"', 1)[1].split(">", 1)[0]

    response = client.post(
        reverse("collaboration:meeting-create"), _meeting_form(attendees=[nih_lead.pk])
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    # Entered in the recorder's zone (Asia/Karachi, UTC+5), stored in UTC.
    assert meeting.held_at == dt.datetime(2026, 10, 1, 5, 0, tzinfo=UTC)
    assert list(meeting.attendees.all()) == [nih_lead]
    assert meeting.official_reference == "F.No. 1-2/2026-IH"
    assert meeting.created_by == ministry


def test_invalid_meeting_shows_field_errors_and_records_nothing(client, ministry):
    ProgrammeFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:meeting-create"), _meeting_form(title="", held_at="next week")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Enter a valid date/time." in html
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_nih_expert_cannot_record_a_meeting(client, nih_expert, method):
    ProgrammeFactory()
    client.force_login(nih_expert)

    response = getattr(client, method)(reverse("collaboration:meeting-create"), _meeting_form())

    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_ministry_edits_a_meeting(client, ministry, nih_expert):
    meeting = MeetingFactory(title="Old title")
    client.force_login(ministry)
    form_html = client.get(reverse("collaboration:meeting-update", args=[meeting.pk])).content
    assert f'name="version" value="{meeting.version}"'.encode() in form_html

    response = client.post(
        reverse("collaboration:meeting-update", args=[meeting.pk]),
        _meeting_form(title="New title", version=meeting.version, attendees=[nih_expert.pk]),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "New title"
    assert meeting.version == 2
    assert list(meeting.attendees.all()) == [nih_expert]


def test_edit_form_shows_held_at_in_the_editors_time_zone(client, ministry):
    meeting = MeetingFactory(held_at=dt.datetime(2026, 10, 1, 5, 0, tzinfo=UTC))
    client.force_login(ministry)

    html = client.get(reverse("collaboration:meeting-update", args=[meeting.pk])).content.decode()

    assert 'value="2026-10-01T10:00"' in html


def test_stale_meeting_edit_shows_a_conflict_and_changes_nothing(client, ministry):
    meeting = MeetingFactory(title="Their title")
    stale = meeting.version
    Meeting.objects.filter(pk=meeting.pk).update(version=stale + 1)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:meeting-update", args=[meeting.pk]),
        _meeting_form(title="My title", version=stale),
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it, so your changes were not saved." in html
    assert 'value="My title"' in html
    meeting.refresh_from_db()
    assert meeting.title == "Their title"


@pytest.mark.parametrize("method", ["get", "post"])
def test_nih_expert_cannot_edit_a_meeting(client, nih_expert, method):
    meeting = MeetingFactory(title="Kept")
    client.force_login(nih_expert)

    response = getattr(client, method)(
        reverse("collaboration:meeting-update", args=[meeting.pk]),
        _meeting_form(title="Changed", version=meeting.version),
    )

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Kept"


# The meeting page ---------------------------------------------------------------------------


def test_meeting_page_shows_details_decisions_and_their_action_items(client, nih_expert):
    owner = UserFactory(full_name="Dr Bilal Ahmed")
    meeting = MeetingFactory(
        title="Roadmap meeting",
        location="Islamabad",
        chair="Minister of State for Health",
        official_reference="F.No. 7",
        external_attendees="BGI country manager",
        minutes="Set out **a roadmap**.",
    )
    meeting.attendees.add(nih_expert)
    second = DecisionFactory(meeting=meeting, text="Form a technical team", position=1)
    first = DecisionFactory(meeting=meeting, text="Accept BGI's invitation", position=0)
    ActionItemFactory(
        meeting=meeting,
        decision=second,
        title="Nominate two experts",
        owner=owner,
        due_on=dt.date(2026, 12, 15),
    )
    ActionItemFactory(meeting=meeting, title="Circulate the minutes")
    client.force_login(nih_expert)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "Roadmap meeting" in html
    assert "Islamabad" in html
    assert "Minister of State for Health" in html
    assert "F.No. 7" in html
    assert nih_expert.display_name in html
    assert "BGI country manager" in html
    assert "<strong>a roadmap</strong>" in html
    assert html.index(first.text.replace("'", "&#x27;")) < html.index(second.text)
    decision_block = html.split(f'id="decision-{second.pk}"', 1)[1].split("</li>\n", 2)
    assert "Nominate two experts" in "".join(decision_block)
    assert "Dr Bilal Ahmed" in html
    assert "15 Dec 2026" in html
    assert "Open" in html
    assert "Circulate the minutes" in html.split('id="other-items-heading"', 1)[1]


def test_meeting_time_is_shown_in_the_viewers_time_zone(client):
    viewer = UserFactory(username="beijing", roles=["ministry_staff"], time_zone="Asia/Shanghai")
    meeting = MeetingFactory(held_at=dt.datetime(2026, 10, 1, 5, 0, tzinfo=UTC))
    client.force_login(viewer)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert "1 Oct 2026, 13:00" in html
    assert "Asia/Shanghai" in html


def test_ministry_sees_edit_and_add_controls_expert_does_not(client, ministry, nih_expert):
    meeting = MeetingFactory()
    decision = DecisionFactory(meeting=meeting)
    create_for_decision = (
        f"{reverse('collaboration:action-item-create')}?meeting={meeting.pk}"
        f"&amp;decision={decision.pk}"
    )

    client.force_login(ministry)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("collaboration:meeting-update", args=[meeting.pk]) in html
    assert reverse("collaboration:decision-add", args=[meeting.pk]) in html
    assert create_for_decision in html

    client.force_login(nih_expert)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("collaboration:meeting-update", args=[meeting.pk]) not in html
    assert reverse("collaboration:decision-add", args=[meeting.pk]) not in html
    assert create_for_decision not in html


def test_ministry_adds_decisions_in_order(client, ministry):
    meeting = MeetingFactory()
    client.force_login(ministry)

    client.post(reverse("collaboration:decision-add", args=[meeting.pk]), {"text": "First"})
    response = client.post(
        reverse("collaboration:decision-add", args=[meeting.pk]), {"text": "Second"}
    )

    assert response.status_code == 302
    assert list(meeting.decisions.values_list("text", "position")) == [
        ("First", 0),
        ("Second", 1),
    ]
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.index(">First<") < html.index(">Second<")


def test_empty_decision_is_refused_with_a_field_error(client, ministry):
    meeting = MeetingFactory()
    client.force_login(ministry)

    response = client.post(reverse("collaboration:decision-add", args=[meeting.pk]), {"text": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Decision.objects.exists()


def test_nih_expert_cannot_add_a_decision(client, nih_expert):
    meeting = MeetingFactory()
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:decision-add", args=[meeting.pk]), {"text": "Sneaky"}
    )

    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_archived_meeting_is_404(client, ministry):
    meeting = MeetingFactory(archived_at=timezone.now())
    client.force_login(ministry)

    assert client.get(meeting.get_absolute_url()).status_code == 404


# The list -----------------------------------------------------------------------------------


def test_meeting_list_is_newest_first_with_counts(client, nih_expert):
    older = MeetingFactory(title="Older meeting", held_at=timezone.now() - dt.timedelta(days=30))
    newer = MeetingFactory(title="Newer meeting", held_at=timezone.now() - dt.timedelta(days=1))
    DecisionFactory(meeting=older)
    ActionItemFactory(meeting=newer)
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:meeting-list")).content.decode()

    assert html.index("Newer meeting") < html.index("Older meeting")
    assert reverse("collaboration:meeting-create") not in html


def test_meeting_list_shows_an_empty_state(client, ministry):
    client.force_login(ministry)

    html = client.get(reverse("collaboration:meeting-list")).content.decode()

    assert "No meetings have been recorded yet." in html
    assert reverse("collaboration:meeting-create") in html


def test_meeting_list_is_paginated(client, ministry):
    for n in range(30):
        MeetingFactory(title=f"Meeting number {n:02d}", held_at=timezone.now() - dt.timedelta(n))
    client.force_login(ministry)

    first = client.get(reverse("collaboration:meeting-list")).content.decode()
    second = client.get(reverse("collaboration:meeting-list"), {"page": 2}).content.decode()

    assert "Meeting number 00" in first
    assert "Meeting number 29" not in first
    assert "Meeting number 29" in second
    assert "?page=2" in first


@pytest.mark.parametrize("count", [10, 200])
def test_meeting_list_query_count_is_flat(client, ministry, django_assert_max_num_queries, count):
    programme = ProgrammeFactory()
    for _ in range(count):
        meeting = MeetingFactory(programme=programme)
        DecisionFactory(meeting=meeting)
        ActionItemFactory(programme=programme, meeting=meeting)
    client.force_login(ministry)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("collaboration:meeting-list"))

    assert response.status_code == 200


def test_meeting_page_query_count_is_flat(client, ministry, django_assert_max_num_queries):
    meeting = MeetingFactory()
    for _ in range(10):
        decision = DecisionFactory(meeting=meeting)
        ActionItemFactory(meeting=meeting, decision=decision)
        meeting.attendees.add(UserFactory())
    client.force_login(ministry)

    with django_assert_max_num_queries(11):
        assert client.get(meeting.get_absolute_url()).status_code == 200
    assert ActionItem.objects.count() == 10
