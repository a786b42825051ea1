"""Writing recommendations: drafts, editing together, versions, conflicts, comments, archive."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collaboration.models import Recommendation
from collaboration.selectors import recommendation_versions_diff
from collaboration.services import (
    RecommendationData,
    recommendation_archive,
    recommendation_comment_add,
    recommendation_create,
    recommendation_update,
)
from portal.exceptions import Conflict, StaleVersion
from tests.factories import PriorityAreaFactory, ProgrammeFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    area = overrides.pop("area", None) or PriorityAreaFactory()
    values = {"title": "Carrier screening", "body": "Screen couples.", "priority_areas": [area]}
    return RecommendationData(**{**values, **overrides})


def test_team_member_creates_a_draft_saved_as_version_one(team, nih_expert):
    recommendation = recommendation_create(
        programme=ProgrammeFactory(),
        actor=nih_expert,
        data=_data(estimated_cost_pkr=Decimal("5000000")),
    )

    assert recommendation.status == Recommendation.Status.DRAFT
    assert list(recommendation.authors.all()) == [nih_expert]
    version = recommendation.versions.get()
    assert (version.number, version.title, version.body, version.created_by) == (
        1, "Carrier screening", "Screen couples.", nih_expert,
    )  # fmt: skip
    assert recommendation.history.latest().history_user == nih_expert


@pytest.mark.parametrize("who", ["ministry", "bgi_liaison", "api_client"])
def test_people_outside_the_team_cannot_create(team, persona, who):
    with pytest.raises(PermissionDenied):
        recommendation_create(programme=ProgrammeFactory(), actor=persona(who), data=_data())

    assert Recommendation.objects.count() == 0


def test_a_recommendation_needs_a_priority_area(team, nih_expert):
    with pytest.raises(ValidationError) as error:
        recommendation_create(
            programme=ProgrammeFactory(), actor=nih_expert, data=RecommendationData(title="x")
        )

    assert "priority_areas" in error.value.message_dict
    assert Recommendation.objects.count() == 0


def test_a_negative_cost_is_refused(team, nih_expert):
    with pytest.raises(ValidationError):
        recommendation_create(
            programme=ProgrammeFactory(),
            actor=nih_expert,
            data=_data(estimated_cost_pkr=Decimal("-1")),
        )


def test_experts_edit_together_and_every_save_is_a_version(team, nih_expert, nih_expert2):
    recommendation = recommendation_create(
        programme=ProgrammeFactory(), actor=nih_expert, data=_data()
    )
    area = recommendation.priority_areas.get()

    edited = recommendation_update(
        recommendation=recommendation, actor=nih_expert2, expected_version=1,
        data=_data(area=area, body="Screen couples in ten districts."), note="Scope",
    )  # fmt: skip

    assert (edited.version, edited.revision) == (2, 2)
    assert set(edited.authors.all()) == {nih_expert, nih_expert2}
    assert [(v.number, v.body, v.note) for v in edited.versions.all()] == [
        (2, "Screen couples in ten districts.", "Scope"),
        (1, "Screen couples.", "First draft"),
    ]
    assert edited.history.latest().history_user == nih_expert2


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_is_kept(
    team, nih_expert, nih_expert2
):
    recommendation = recommendation_create(
        programme=ProgrammeFactory(), actor=nih_expert, data=_data()
    )
    area = recommendation.priority_areas.get()
    both_read = recommendation.version

    recommendation_update(
        note="Edited",
        recommendation=recommendation, actor=nih_expert, expected_version=both_read,
        data=_data(area=area, body="First writer's text."),
    )  # fmt: skip
    with pytest.raises(StaleVersion) as error:
        recommendation_update(
            note="Edited",
            recommendation=recommendation, actor=nih_expert2, expected_version=both_read,
            data=_data(area=area, body="Second writer's text."),
        )  # fmt: skip

    assert error.value.current == 2
    recommendation.refresh_from_db()
    assert recommendation.body == "First writer's text."
    assert recommendation.versions.count() == 2


@pytest.mark.parametrize("status", ["team_review", "endorsed", "submitted", "approved", "rejected"])
def test_editing_outside_draft_or_returned_is_refused(team, nih_expert, status):
    recommendation = RecommendationFactory(status=status)

    with pytest.raises(Conflict, match="Only drafts"):
        recommendation_update(
            note="Edited",
            recommendation=recommendation, actor=nih_expert, expected_version=1,
            data=_data(area=recommendation.priority_areas.get(), body="Changed"),
        )  # fmt: skip

    recommendation.refresh_from_db()
    assert recommendation.body != "Changed"


def test_a_returned_recommendation_can_be_revised(team, nih_expert):
    recommendation = RecommendationFactory(returned=True)

    edited = recommendation_update(
        note="Edited",
        recommendation=recommendation, actor=nih_expert, expected_version=1,
        data=_data(area=recommendation.priority_areas.get(), body="Revised as asked."),
    )  # fmt: skip

    assert edited.body == "Revised as asked."
    assert edited.status == Recommendation.Status.RETURNED


@pytest.mark.parametrize("who", ["ministry", "approver", "bgi_liaison", "api_client"])
def test_only_team_members_edit(team, persona, who):
    recommendation = RecommendationFactory()

    with pytest.raises(PermissionDenied):
        recommendation_update(
            note="Edited",
            recommendation=recommendation, actor=persona(who), expected_version=1,
            data=_data(area=recommendation.priority_areas.get()),
        )  # fmt: skip


def test_diff_between_two_versions_is_word_level(team, nih_expert):
    recommendation = recommendation_create(
        programme=ProgrammeFactory(), actor=nih_expert,
        data=_data(body="Screen couples in five districts."),
    )  # fmt: skip
    recommendation_update(
        note="Edited",
        recommendation=recommendation, actor=nih_expert, expected_version=1,
        data=_data(area=recommendation.priority_areas.get(), body="Screen couples in ten districts first."),
    )  # fmt: skip

    diff = dict(
        recommendation_versions_diff(recommendation=recommendation, from_number=1, to_number=2)
    )

    assert [(p.op, p.text) for p in diff["body"]] == [
        ("equal", "Screen couples in "),
        ("delete", "five"),
        ("insert", "ten"),
        ("equal", " districts"),
        ("insert", " first"),
        ("equal", "."),
    ]
    assert [(p.op, p.text) for p in diff["title"]] == [("equal", "Carrier screening")]


def test_ministry_and_team_comment_but_the_bgi_liaison_cannot(
    team, nih_expert, ministry, bgi_liaison
):
    recommendation = RecommendationFactory()

    recommendation_comment_add(recommendation=recommendation, actor=ministry, body="Cost?")
    recommendation_comment_add(recommendation=recommendation, actor=nih_expert, body="Phased.")
    with pytest.raises(PermissionDenied):
        recommendation_comment_add(recommendation=recommendation, actor=bgi_liaison, body="Hi")
    with pytest.raises(ValidationError):
        recommendation_comment_add(recommendation=recommendation, actor=ministry, body="  ")

    assert [c.body for c in recommendation.comments.all()] == ["Cost?", "Phased."]


def test_archiving_keeps_the_record_out_of_working_lists(team, nih_lead, nih_expert):
    recommendation = RecommendationFactory()

    recommendation_archive(recommendation=recommendation, actor=nih_lead)

    recommendation.refresh_from_db()
    assert recommendation.archived_at is not None
    assert Recommendation.objects.active().count() == 0
    assert Recommendation.objects.count() == 1
    with pytest.raises(PermissionDenied):
        recommendation_archive(recommendation=RecommendationFactory(), actor=nih_expert)


def test_a_recommendation_under_decision_cannot_be_archived(team, ministry):
    with pytest.raises(Conflict):
        recommendation_archive(recommendation=RecommendationFactory(submitted=True), actor=ministry)


def test_bgi_liaison_sees_no_recommendation_at_all(bgi_liaison, api_client, ministry):
    RecommendationFactory.create_batch(3)

    assert Recommendation.objects.visible_to(bgi_liaison).count() == 0
    assert Recommendation.objects.visible_to(api_client).count() == 3
    assert Recommendation.objects.visible_to(ministry).count() == 3


# A recommendation's programme: the one of its priority areas -------------------------------------


def test_a_draft_belongs_to_the_programme_of_its_priority_areas(team, nih_expert):
    other = ProgrammeFactory(name="Another programme")
    area = PriorityAreaFactory(programme=other)

    recommendation = recommendation_create(actor=nih_expert, data=_data(area=area))

    assert recommendation.programme == other


def test_priority_areas_of_two_programmes_are_refused_on_create_and_edit(team, nih_expert):
    ours = PriorityAreaFactory()
    theirs = PriorityAreaFactory(programme=ProgrammeFactory(name="Another programme"))
    mixed = _data(priority_areas=[ours, theirs])

    with pytest.raises(ValidationError) as error:
        recommendation_create(actor=nih_expert, data=mixed)
    assert error.value.message_dict == {
        "priority_areas": ["The priority areas must belong to one programme."]
    }
    assert Recommendation.objects.count() == 0

    recommendation = recommendation_create(actor=nih_expert, data=_data(area=ours))
    with pytest.raises(ValidationError):
        recommendation_update(
            note="Edited",
            recommendation=recommendation,
            actor=nih_expert,
            expected_version=1,
            data=mixed,
        )
    recommendation.refresh_from_db()
    assert (recommendation.version, list(recommendation.priority_areas.all())) == (1, [ours])


def test_a_caller_naming_another_programme_than_the_areas_is_refused(team, nih_expert):
    other = ProgrammeFactory(name="Another programme")

    with pytest.raises(ValidationError) as error:
        recommendation_create(programme=other, actor=nih_expert, data=_data())

    assert "priority_areas" in error.value.message_dict


def test_an_edit_moving_every_area_to_another_programme_moves_the_recommendation(team, nih_expert):
    recommendation = recommendation_create(actor=nih_expert, data=_data())
    other = ProgrammeFactory(name="Another programme")
    area = PriorityAreaFactory(programme=other)

    edited = recommendation_update(
        note="Edited",
        recommendation=recommendation, actor=nih_expert, expected_version=1,
        data=_data(area=area),
    )  # fmt: skip

    assert edited.programme == other
    edited.refresh_from_db()
    assert edited.programme == other
