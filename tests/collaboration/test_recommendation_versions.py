"""Recommendation versions: every versioned field is kept and compared (texts, the cost, the
priority areas and capabilities), and every version after the first says what changed, on the
web page and through the API."""

import dataclasses
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from collaboration.models import Recommendation, RecommendationVersion
from collaboration.services import RecommendationData, recommendation_create, recommendation_update
from tests.factories import CapabilityFactory, PriorityAreaFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

# What a version records about itself rather than about the recommendation's content.
BOOKKEEPING = {"id", "recommendation", "number", "note", "created_by", "created_at"}


@pytest.fixture
def lists():
    programme = ProgrammeFactory()
    return {
        "thalassemia": PriorityAreaFactory(programme=programme, name="Thalassemia"),
        "rare": PriorityAreaFactory(programme=programme, name="Rare diseases"),
        "screening": CapabilityFactory(name="Carrier screening panel"),
        "sequencing": CapabilityFactory(name="Whole-genome sequencing"),
    }


@pytest.fixture
def revised(team, nih_expert, nih_expert2, lists):
    """Version 1, then version 2 with a new cost, one more area and a swapped capability."""
    recommendation = recommendation_create(
        actor=nih_expert,
        data=RecommendationData(
            title="Carrier screening",
            estimated_cost_pkr=Decimal("1000000"),
            priority_areas=[lists["thalassemia"]],
            capabilities=[lists["screening"]],
        ),
    )
    return recommendation_update(
        recommendation=recommendation,
        actor=nih_expert2,
        expected_version=1,
        note="Costs and scope",
        data=RecommendationData(
            title="Carrier screening",
            estimated_cost_pkr=Decimal("1500000"),
            priority_areas=[lists["thalassemia"], lists["rare"]],
            capabilities=[lists["sequencing"]],
        ),
    )


def test_the_versioned_field_list_names_every_field_a_version_keeps():
    kept = {
        field.name
        for field in RecommendationVersion._meta.get_fields()
        if field.concrete or field.many_to_many
    } - BOOKKEEPING
    editable = {field.name for field in dataclasses.fields(RecommendationData)}

    assert set(Recommendation.VERSIONED_FIELDS) == kept == editable


def test_a_version_keeps_the_cost_areas_and_capabilities(revised, lists):
    first, second = revised.versions.get(number=1), revised.versions.get(number=2)

    assert first.estimated_cost_pkr == Decimal("1000000")
    assert list(first.priority_areas.all()) == [lists["thalassemia"]]
    assert list(first.capabilities.all()) == [lists["screening"]]
    assert second.estimated_cost_pkr == Decimal("1500000")
    assert set(second.priority_areas.all()) == {lists["thalassemia"], lists["rare"]}
    assert list(second.capabilities.all()) == [lists["sequencing"]]


def test_api_diff_has_every_versioned_field_with_numbers_and_lists(api_as, ministry, revised):
    response = api_as(ministry).get(
        reverse("api:recommendation-diff", args=[revised.pk]), {"from": 1, "to": 2}
    )

    assert response.status_code == 200
    fields = response.json()["fields"]
    assert list(fields) == list(Recommendation.VERSIONED_FIELDS)
    assert fields["estimated_cost_pkr"] == [
        {"op": "delete", "text": "1000000.00"},
        {"op": "equal", "text": " → "},
        {"op": "insert", "text": "1500000.00"},
    ]
    assert fields["priority_areas"] == [
        {"op": "equal", "text": "Thalassemia"},
        {"op": "equal", "text": "; "},
        {"op": "insert", "text": "Rare diseases"},
    ]
    assert fields["capabilities"] == [
        {"op": "delete", "text": "Carrier screening panel"},
        {"op": "equal", "text": "; "},
        {"op": "insert", "text": "Whole-genome sequencing"},
    ]


def test_api_versions_show_every_versioned_field(api_as, ministry, revised, lists):
    response = api_as(ministry).get(reverse("api:recommendation-versions", args=[revised.pk]))

    assert response.status_code == 200
    newest = response.json()[0]["texts"]
    assert list(newest) == list(Recommendation.VERSIONED_FIELDS)
    assert newest["estimated_cost_pkr"] == "1500000.00"
    assert sorted(newest["priority_areas"]) == sorted(
        [lists["thalassemia"].slug, lists["rare"].slug]
    )
    assert newest["capabilities"] == [lists["sequencing"].pk]


def test_diff_page_shows_every_versioned_field_and_the_changed_numbers_and_lists(
    client, nih_expert, revised
):
    client.force_login(nih_expert)

    response = client.get(
        reverse("collaboration:recommendation-diff", args=[revised.pk]), {"from": 1, "to": 2}
    )

    html = response.content.decode()
    assert response.status_code == 200
    shown = re.findall(r'data-testid="diff-([a-z_]+)"', html)
    assert shown == list(Recommendation.VERSIONED_FIELDS)

    def section(name):
        return html.split(f'data-testid="diff-{name}">', 1)[1].split("</div>", 1)[0]

    assert section("estimated_cost_pkr") == (
        '<del class="diff-del">PKR 1,000,000.00</del> → <ins class="diff-ins">PKR 1,500,000.00</ins>'
    )
    assert section("priority_areas") == 'Thalassemia; <ins class="diff-ins">Rare diseases</ins>'
    assert section("capabilities") == (
        '<del class="diff-del">Carrier screening panel</del>; '
        '<ins class="diff-ins">Whole-genome sequencing</ins>'
    )
    assert "These two versions are the same." not in html


# "What changed" is required after the first version -------------------------------------------


def test_service_refuses_a_new_version_without_saying_what_changed(team, nih_expert, lists):
    recommendation = recommendation_create(
        actor=nih_expert,
        data=RecommendationData(title="Screening", priority_areas=[lists["thalassemia"]]),
    )

    with pytest.raises(ValidationError) as error:
        recommendation_update(
            recommendation=recommendation,
            actor=nih_expert,
            expected_version=1,
            note="   ",
            data=RecommendationData(title="Changed", priority_areas=[lists["thalassemia"]]),
        )

    assert "note" in error.value.message_dict
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.revision) == ("Screening", 1)


def test_api_edit_without_what_changed_is_400_and_changes_nothing(api_as, team, nih_expert, lists):
    recommendation = recommendation_create(
        actor=nih_expert,
        data=RecommendationData(title="Screening", priority_areas=[lists["thalassemia"]]),
    )

    response = api_as(nih_expert).patch(
        reverse("api:recommendation-detail", args=[recommendation.pk]),
        {"title": "Changed"},
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["note"] == [
        "Say what changed in this version, for example “costs updated”."
    ]
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.revision) == ("Screening", 1)
    assert recommendation.versions.count() == 1


def test_edit_form_asks_what_changed_and_refuses_to_save_without_it(
    client, team, nih_expert, lists
):
    area = lists["thalassemia"]
    recommendation = recommendation_create(
        actor=nih_expert, data=RecommendationData(title="Screening", priority_areas=[area])
    )
    url = reverse("collaboration:recommendation-update", args=[recommendation.pk])
    client.force_login(nih_expert)

    form = client.get(url).content.decode()
    response = client.post(
        url, {"title": "Changed", "priority_areas": [area.pk], "version": 1, "note": ""}
    )

    assert re.search(r'<input[^>]*name="note"[^>]*required', form)
    assert response.status_code == 400
    assert "Say what changed in this version" in response.content.decode()
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.revision) == ("Screening", 1)
