"""Action items: the filtered list, the item page, creating, editing and moving them along."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import ActionItem, ActionItemTransition
from collaboration.services import action_item_transition
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    MeetingFactory,
    ProgrammeFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _item_form(owner, **overrides):
    data = {
        "title": "Nominate two NIH experts",
        "description": "Names and CVs to the ministry.",
        "owner": owner.pk,
        "due_on": (_today() + dt.timedelta(days=14)).isoformat(),
        "meeting": "",
        "decision": "",
    }
    data.update(overrides)
    return data


def _step(client, item, name, *, version=None, comment=""):
    return client.post(
        reverse("collaboration:action-item-transition", args=[item.pk]),
        {"transition": name, "version": version or item.version, "comment": comment},
    )


# The list -----------------------------------------------------------------------------------


def test_list_is_sorted_by_due_date_and_flags_overdue_items_in_text(client, nih_expert):
    ActionItemFactory(title="Later item", due_on=_today() + dt.timedelta(days=10))
    ActionItemFactory(title="Late item", due_on=_today() - dt.timedelta(days=2))
    ActionItemFactory(title="Finished late", due_on=_today() - dt.timedelta(days=5), done=True)
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:action-item-list")).content.decode()

    assert html.index("Finished late") < html.index("Late item") < html.index("Later item")
    rows = {
        title: html.split(f">{title}</a>", 1)[1].split("</tr>", 1)[0]
        for title in ("Late item", "Later item", "Finished late")
    }
    assert "Overdue" in rows["Late item"]
    assert "Overdue" not in rows["Later item"]
    assert "Overdue" not in rows["Finished late"]


def test_list_filters_by_status(client, nih_expert):
    ActionItemFactory(title="Still open")
    ActionItemFactory(title="All done", done=True)
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:action-item-list"), {"status": "done"}).content
    html = html.decode()

    assert "All done" in html
    assert "Still open" not in html


def test_list_filters_by_owner(client, nih_expert, nih_expert2):
    ActionItemFactory(title="Mine", owner=nih_expert)
    ActionItemFactory(title="Theirs", owner=nih_expert2)
    client.force_login(nih_expert)

    html = client.get(
        reverse("collaboration:action-item-list"), {"owner": nih_expert.pk}
    ).content.decode()

    assert ">Mine</a>" in html
    assert ">Theirs</a>" not in html


def test_list_filters_overdue_only(client, nih_expert):
    ActionItemFactory(title="Late item", due_on=_today() - dt.timedelta(days=1))
    ActionItemFactory(title="On time", due_on=_today() + dt.timedelta(days=1))
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:action-item-list"), {"overdue": "on"}).content
    html = html.decode()

    assert "Late item" in html
    assert "On time" not in html


def test_list_says_when_no_item_matches(client, nih_expert):
    ActionItemFactory(title="Still open")
    client.force_login(nih_expert)

    html = client.get(reverse("collaboration:action-item-list"), {"status": "cancelled"}).content

    assert "No action items match these filters." in html.decode()


def test_list_offers_new_item_only_to_ministry(client, ministry, nih_expert):
    create = reverse("collaboration:action-item-create")

    client.force_login(ministry)
    assert create in client.get(reverse("collaboration:action-item-list")).content.decode()
    client.force_login(nih_expert)
    assert create not in client.get(reverse("collaboration:action-item-list")).content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_list_query_count_is_flat(client, ministry, django_assert_max_num_queries, count):
    programme = ProgrammeFactory()
    meeting = MeetingFactory(programme=programme)
    for n in range(count):
        ActionItemFactory(
            programme=programme, meeting=meeting, due_on=_today() + dt.timedelta(days=n - 5)
        )
    client.force_login(ministry)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("collaboration:action-item-list"), {"status": "open"})

    assert response.status_code == 200


# The item page ------------------------------------------------------------------------------


def test_item_page_shows_where_it_came_from_and_the_linked_record(client, nih_expert):
    meeting = MeetingFactory(title="Roadmap meeting")
    decision = DecisionFactory(meeting=meeting, text="Form the technical team")
    recommendation = RecommendationFactory(title="Screen carriers")
    item = ActionItemFactory(
        title="Nominate experts",
        description="Send **two** names.",
        meeting=meeting,
        decision=decision,
        owner=nih_expert,
        due_on=dt.date(2026, 12, 20),
    )
    ActionItem.objects.filter(pk=item.pk).update(
        linked_type_id=_content_type_id(recommendation), linked_id=recommendation.pk
    )
    client.force_login(nih_expert)

    html = client.get(item.get_absolute_url()).content.decode()

    assert "Nominate experts" in html
    assert "<strong>two</strong>" in html
    assert nih_expert.display_name in html
    assert "20 Dec 2026" in html
    assert meeting.get_absolute_url() in html
    assert "Form the technical team" in html
    assert recommendation.get_absolute_url() in html
    assert "Screen carriers" in html


def _content_type_id(record):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(record).pk


def test_item_page_shows_the_owner_their_steps_and_the_timeline(client, nih_expert):
    item = ActionItemFactory(owner=nih_expert)
    client.force_login(nih_expert)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'value="start"' in html
    assert 'value="complete"' in html
    assert 'value="cancel"' not in html

    _step(client, item, "start", comment="On it")

    html = client.get(item.get_absolute_url()).content.decode()
    assert "moved it from Open to In progress" in html
    assert "On it" in html
    assert 'value="start"' not in html


def test_item_page_offers_no_steps_to_another_expert(client, nih_expert, nih_expert2):
    item = ActionItemFactory(owner=nih_expert)
    client.force_login(nih_expert2)

    html = client.get(item.get_absolute_url()).content.decode()

    assert 'name="transition"' not in html
    assert "There is no step you can take on this item now." in html


# Creating and editing -----------------------------------------------------------------------


def test_create_form_preselects_the_meeting_and_decision(client, ministry):
    meeting = MeetingFactory(title="Roadmap meeting")
    decision = DecisionFactory(meeting=meeting, text="Form the technical team")
    client.force_login(ministry)

    html = client.get(
        reverse("collaboration:action-item-create"),
        {"meeting": meeting.pk, "decision": decision.pk},
    ).content.decode()

    assert f'<option value="{meeting.pk}" selected>' in html
    assert f'<option value="{decision.pk}" selected>' in html
    assert 'type="date"' in html


def test_ministry_creates_an_action_item_from_a_decision(client, ministry, nih_expert):
    ProgrammeFactory()
    meeting = MeetingFactory()
    decision = DecisionFactory(meeting=meeting)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:action-item-create"),
        _item_form(nih_expert, meeting=meeting.pk, decision=decision.pk),
    )

    item = ActionItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    assert item.owner == nih_expert
    assert item.decision == decision
    assert item.meeting == meeting
    assert item.status == ActionItem.Status.OPEN
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Nominate two NIH experts" in html.split(f'id="decision-{decision.pk}"', 1)[1]


def test_decision_of_another_meeting_is_refused_with_a_field_error(client, ministry, nih_expert):
    ProgrammeFactory()
    meeting = MeetingFactory()
    other_decision = DecisionFactory(meeting=MeetingFactory())
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:action-item-create"),
        _item_form(nih_expert, meeting=meeting.pk, decision=other_decision.pk),
    )

    assert response.status_code == 400
    assert "That decision belongs to another meeting." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_invalid_action_item_shows_field_errors_and_creates_nothing(client, ministry, nih_expert):
    ProgrammeFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:action-item-create"), _item_form(nih_expert, title="", due_on="")
    )

    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_nih_expert_cannot_create_an_action_item(client, nih_expert, method):
    ProgrammeFactory()
    client.force_login(nih_expert)

    response = getattr(client, method)(
        reverse("collaboration:action-item-create"), _item_form(nih_expert)
    )

    assert response.status_code == 403
    assert not ActionItem.objects.exists()


def test_ministry_edits_an_action_item_and_keeps_its_link(client, ministry, nih_expert2):
    recommendation = RecommendationFactory()
    item = ActionItemFactory(title="Old")
    ActionItem.objects.filter(pk=item.pk).update(
        linked_type_id=_content_type_id(recommendation), linked_id=recommendation.pk
    )
    client.force_login(ministry)
    form_html = client.get(reverse("collaboration:action-item-update", args=[item.pk])).content
    assert f'name="version" value="{item.version}"'.encode() in form_html

    response = client.post(
        reverse("collaboration:action-item-update", args=[item.pk]),
        _item_form(nih_expert2, title="New", version=item.version),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "New"
    assert item.owner == nih_expert2
    assert item.linked_record == recommendation


def test_stale_action_item_edit_is_a_conflict(client, ministry, nih_expert):
    item = ActionItemFactory(title="Theirs")
    ActionItem.objects.filter(pk=item.pk).update(version=item.version + 1)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:action-item-update", args=[item.pk]),
        _item_form(nih_expert, title="Mine", version=item.version),
    )

    assert response.status_code == 409
    assert (
        "Someone else changed this since you opened it, so your changes were not saved."
        in response.content.decode()
    )
    item.refresh_from_db()
    assert item.title == "Theirs"


def test_editing_a_finished_item_is_a_conflict(client, ministry, nih_expert):
    item = ActionItemFactory(title="Done already", done=True)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:action-item-update", args=[item.pk]),
        _item_form(nih_expert, title="Changed", version=item.version),
    )

    assert response.status_code == 409
    assert "Reopen a finished action item" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Done already"


def test_nih_expert_cannot_edit_an_action_item(client, nih_expert):
    item = ActionItemFactory(title="Kept", owner=nih_expert)
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:action-item-update", args=[item.pk]),
        _item_form(nih_expert, title="Changed", version=item.version),
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Kept"


# Moving items along -------------------------------------------------------------------------


def test_owner_starts_and_completes_their_own_item(client, nih_expert):
    item = ActionItemFactory(owner=nih_expert)
    client.force_login(nih_expert)

    started = _step(client, item, "start")
    item.refresh_from_db()
    completed = _step(client, item, "complete", comment="Sent the names")

    assert started.status_code == 302
    assert completed.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert item.completed_at is not None
    assert list(item.transitions.values_list("transition", flat=True)) == ["start", "complete"]


def test_another_expert_cannot_move_someone_elses_item(client, nih_expert, nih_expert2):
    item = ActionItemFactory(owner=nih_expert)
    client.force_login(nih_expert2)

    response = _step(client, item, "start")

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
    assert not ActionItemTransition.objects.exists()


def test_step_from_the_wrong_state_is_a_conflict(client, nih_expert):
    item = ActionItemFactory(owner=nih_expert, done=True)
    client.force_login(nih_expert)

    response = _step(client, item, "start")

    assert response.status_code == 409
    assert "is not possible while the record is Done" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE


def test_stale_step_is_a_conflict(client, nih_expert, ministry):
    item = ActionItemFactory(owner=nih_expert)
    stale = item.version
    action_item_transition(item=item, name="start", actor=ministry, expected_version=stale)
    client.force_login(nih_expert)

    response = _step(client, item, "complete", version=stale)

    assert response.status_code == 409
    assert (
        "Someone else changed this since you opened it; nothing was changed."
        in response.content.decode()
    )
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS


def test_only_ministry_cancels_and_must_say_why(client, ministry, nih_expert):
    item = ActionItemFactory(owner=nih_expert)

    client.force_login(nih_expert)
    assert _step(client, item, "cancel", comment="No longer needed").status_code == 403

    client.force_login(ministry)
    without_reason = _step(client, item, "cancel")
    assert without_reason.status_code == 409
    assert "needs a comment" in without_reason.content.decode()

    assert _step(client, item, "cancel", comment="Superseded").status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CANCELLED


def test_unknown_step_is_a_conflict(client, ministry):
    item = ActionItemFactory()
    client.force_login(ministry)

    response = _step(client, item, "teleport")

    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
