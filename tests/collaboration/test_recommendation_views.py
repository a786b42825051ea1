"""Recommendation pages: list, detail, create and edit (with the edit conflict), workflow
steps, comments, archive, versions and differences, as each persona sees them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Recommendation, RecommendationTransition, RecommendationVersion
from collaboration.services import (
    RecommendationData,
    recommendation_transition,
    recommendation_update,
)
from tests.factories import (
    CapabilityFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationCommentFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Recommendation.Status


def html_of(response) -> str:
    return response.content.decode()


def table_titles(response) -> list[str]:
    """The recommendation titles of the list table, in the order shown."""
    body = html_of(response).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/recommendations/\d+/">([^<]+)</a>', body)


def offered_steps(response) -> set[str]:
    return set(re.findall(r'data-transition="([a-z_]+)"', html_of(response)))


def hidden_version(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html_of(response)).group(1))


@pytest.fixture
def thalassemia():
    return PriorityAreaFactory(name="Thalassemia", slug="thalassemia")


@pytest.fixture
def rare_diseases():
    return PriorityAreaFactory(name="Rare diseases", slug="rare-diseases")


def form_data(area, **overrides):
    data = {
        "title": "Carrier screening in Punjab",
        "priority_areas": [area.pk],
        "summary": "Screen couples before marriage.",
        "body": "Screen **carriers** in high-prevalence districts.",
        "rationale": "Prevalence is high.",
        "expected_outcomes": "Fewer births with thalassemia major.",
        "estimated_cost_pkr": "12500000",
        "timeline": "Two years.",
        "risks": "Stigma.",
        "note": "Edited",  # what changed (edits only; the new-recommendation form has no note)
    }
    data.update(overrides)
    return data


# The list -----------------------------------------------------------------------------------


def test_list_shows_each_recommendation_with_its_status_areas_authors_and_revision(
    client, team, nih_expert, thalassemia
):
    RecommendationFactory(
        title="Newborn screening",
        priority_areas=[thalassemia],
        authors=[nih_expert],
        submitted=True,
    )
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-list"))

    html = html_of(response)
    assert response.status_code == 200
    assert table_titles(response) == ["Newborn screening"]
    assert "Submitted to the ministry</span>" in html
    assert "Thalassemia" in html
    assert nih_expert.display_name in html
    assert re.search(r"<caption>\s*1 recommendation\s", html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "submitted"}, ["Gene bank plan"]),
        ({"priority_area": "AREA"}, ["Carrier screening"]),
        ({"author": "AUTHOR"}, ["Carrier screening"]),
        ({"q": "biobank"}, ["Gene bank plan"]),  # found in the body
        ({"q": "premarital"}, ["Carrier screening"]),  # found in the summary
        ({"q": "GENE bank"}, ["Gene bank plan"]),  # every word, any case
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_list_filters_and_search_return_the_matching_rows(
    client, team, nih_expert, nih_expert2, thalassemia, rare_diseases, query, expected
):
    RecommendationFactory(
        title="Carrier screening",
        summary="Premarital screening.",
        priority_areas=[thalassemia],
        authors=[nih_expert],
    )
    RecommendationFactory(
        title="Gene bank plan",
        body="A national biobank.",
        priority_areas=[rare_diseases],
        authors=[nih_expert2],
        submitted=True,
    )
    replacements = {"AREA": str(thalassemia.pk), "AUTHOR": str(nih_expert.pk)}
    query = {key: replacements.get(value, value) for key, value in query.items()}
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-list"), query)

    assert response.status_code == 200
    assert table_titles(response) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("-title", ["Charlie", "Bravo", "Alpha"]),
        ("updated", ["Bravo", "Charlie", "Alpha"]),
        ("-updated", ["Alpha", "Charlie", "Bravo"]),
        ("status", ["Charlie", "Alpha", "Bravo"]),  # draft, team review, approved
        ("-status", ["Bravo", "Alpha", "Charlie"]),
    ],
)
def test_list_sorts_by_title_last_update_and_workflow_status(
    client, team, nih_expert, sort, expected
):
    now = timezone.now()
    for title, trait, age in (
        ("Bravo", "approved", 3),
        ("Charlie", None, 2),
        ("Alpha", "team_review", 1),
    ):
        rec = RecommendationFactory(title=title, **({trait: True} if trait else {}))
        Recommendation.objects.filter(pk=rec.pk).update(updated_at=now - dt.timedelta(days=age))
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-list"), {"sort": sort})

    assert table_titles(response) == expected


def test_list_hides_archived_recommendations_unless_asked(client, team, nih_expert):
    RecommendationFactory(title="Current")
    RecommendationFactory(title="Old idea", archived_at=timezone.now())
    client.force_login(nih_expert)
    url = reverse("collaboration:recommendation-list")

    assert table_titles(client.get(url)) == ["Current"]
    shown = client.get(url, {"show_archived": "on"})
    assert sorted(table_titles(shown)) == ["Current", "Old idea"]
    assert "Archived</span>" in html_of(shown)


def test_list_pages_by_25_and_keeps_the_filters_in_page_links(client, team, nih_expert):
    RecommendationFactory.create_batch(30, summary="pilot")
    client.force_login(nih_expert)
    url = reverse("collaboration:recommendation-list")

    first = client.get(url, {"q": "pilot"})
    second = client.get(url, {"q": "pilot", "page": 2})

    assert len(table_titles(first)) == 25
    assert len(table_titles(second)) == 5
    assert 'href="?q=pilot&amp;page=2"' in html_of(first)
    assert "Showing 26–30 of 30" in html_of(second)


@pytest.mark.parametrize("rows", [10, 200])
def test_list_page_query_count_stays_flat(
    client, team, nih_expert, thalassemia, django_assert_max_num_queries, rows
):
    capability = CapabilityFactory()
    for rec in RecommendationFactory.create_batch(
        rows, priority_areas=[thalassemia], authors=[nih_expert]
    ):
        rec.capabilities.add(capability)
    client.force_login(nih_expert)

    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("collaboration:recommendation-list"), {"q": "Recommendation", "sort": "status"}
        )

    assert response.status_code == 200
    assert len(table_titles(response)) == min(rows, 25)


def test_new_recommendation_button_only_for_team_members(client, team, nih_expert, ministry):
    url = reverse("collaboration:recommendation-list")
    create_url = reverse("collaboration:recommendation-create")

    client.force_login(nih_expert)
    assert create_url in html_of(client.get(url))
    client.force_login(ministry)
    assert create_url not in html_of(client.get(url))


@pytest.mark.parametrize("who", ["bgi_liaison", "api_client"])
@pytest.mark.parametrize(
    ("name", "method", "with_pk"),
    [
        ("collaboration:recommendation-list", "get", False),
        ("collaboration:recommendation-create", "get", False),
        ("collaboration:my-work", "get", False),
        ("collaboration:recommendation-detail", "get", True),
        ("collaboration:recommendation-update", "get", True),
        ("collaboration:recommendation-versions", "get", True),
        ("collaboration:recommendation-diff", "get", True),
        ("collaboration:recommendation-transition", "post", True),
        ("collaboration:recommendation-comment", "post", True),
        ("collaboration:recommendation-archive", "post", True),
    ],
)
def test_bgi_liaison_and_api_client_get_404_on_every_recommendation_page(
    client, persona, who, name, method, with_pk
):
    rec = RecommendationFactory(submitted=True)
    client.force_login(persona(who))
    url = reverse(name, args=[rec.pk] if with_pk else [])

    response = getattr(client, method)(url, {"transition": "approve", "version": 1, "body": "x"})

    assert response.status_code == 404
    assert rec.title not in html_of(response)


# The detail page ----------------------------------------------------------------------------


def test_detail_shows_every_field_with_markdown_cost_and_links(
    client, team, nih_expert, thalassemia
):
    capability = CapabilityFactory(name="DNBSEQ sequencing")
    rec = RecommendationFactory(
        title="Carrier screening",
        summary="Screen couples.",
        body="Screen **carriers**.",
        rationale="Prevalence is *high*.",
        expected_outcomes="Fewer births with thalassemia major.",
        timeline="- Year 1: pilot\n- Year 2: scale up",
        risks="Stigma around results.",
        estimated_cost_pkr=Decimal("12500000.00"),
        official_reference="F.No. 7-12/2026",
        priority_areas=[thalassemia],
        authors=[nih_expert],
    )
    rec.capabilities.add(capability)
    client.force_login(nih_expert)

    response = client.get(rec.get_absolute_url())

    html = html_of(response)
    assert response.status_code == 200
    assert "<strong>carriers</strong>" in html
    assert "<em>high</em>" in html
    assert "<li>Year 1: pilot</li>" in html
    assert "Fewer births with thalassemia major." in html
    assert "Stigma around results." in html
    assert "PKR 12,500,000.00" in html
    assert f'href="{reverse("collaboration:priority-area-detail", args=["thalassemia"])}"' in html
    assert "DNBSEQ sequencing" in html
    assert "F.No. 7-12/2026" in html
    assert nih_expert.display_name in html
    assert "Revision 1" in html
    assert "Draft</span>" in html


def test_detail_renders_script_and_javascript_links_harmless(client, team, nih_expert):
    rec = RecommendationFactory(
        body='Hello <script>alert("x")</script> [click me](javascript:alert(1)) '
        '<img src=x onerror="alert(2)">',
        rationale="<iframe src='https://evil.example'></iframe>",
    )
    RecommendationCommentFactory(
        recommendation=rec, author=nih_expert, body="<script>steal()</script>[c](javascript:x)"
    )
    client.force_login(nih_expert)

    html = html_of(client.get(rec.get_absolute_url()))

    assert "<script>alert" not in html
    assert "<script>steal" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<iframe" not in html
    assert "click me" in html


@pytest.mark.parametrize(
    ("who", "trait", "expected"),
    [
        ("nih_expert", None, {"send_to_team_review"}),
        ("nih_expert", "team_review", {"back_to_draft"}),
        ("nih_lead", "team_review", {"endorse", "back_to_draft"}),
        ("nih_lead", "endorsed", {"submit_to_ministry"}),
        ("nih_expert", "endorsed", set()),
        ("ministry", "submitted", {"approve", "return_for_revision", "reject"}),
        ("approver", "submitted", {"approve", "return_for_revision", "reject"}),
        ("ministry", None, set()),
        ("nih_lead", "submitted", set()),
        ("ministry", "approved", set()),
    ],
)
def test_detail_offers_only_the_steps_the_viewer_may_take(
    client, team, persona, who, trait, expected
):
    rec = RecommendationFactory(**({trait: True} if trait else {}))
    client.force_login(persona(who))

    response = client.get(rec.get_absolute_url())

    assert response.status_code == 200
    assert offered_steps(response) == expected


def test_detail_buttons_are_labelled_and_carry_the_version(client, team, nih_expert, ministry):
    rec = RecommendationFactory(submitted=True, version=4)
    client.force_login(ministry)

    html = html_of(client.get(rec.get_absolute_url()))

    for label in ("Approve", "Return for revision", "Reject"):
        assert f">{label}</button>" in html
    assert "Send to team review" not in html
    assert html.count('name="version" value="4"') >= 3
    assert 'id="transition-return_for_revision-comment"' in html
    assert 'id="transition-reject-comment"' in html
    assert html.count("required></textarea>") == 2


def test_lead_sees_an_optional_reference_field_when_submitting(client, team, nih_lead):
    rec = RecommendationFactory(endorsed=True)
    client.force_login(nih_lead)

    html = html_of(client.get(rec.get_absolute_url()))

    assert 'name="official_reference"' in html
    assert "Ministry file or diary number (optional)" in html
    assert ">Submit to the ministry</button>" in html


def test_detail_timeline_shows_who_when_from_to_and_comment_in_the_viewers_time_zone(
    client, team, nih_expert, ministry
):
    rec = RecommendationFactory(submitted=True)
    recommendation_transition(
        recommendation=rec, name="return_for_revision", actor=ministry, comment="Add costs."
    )
    step = RecommendationTransition.objects.get(subject=rec)
    RecommendationTransition.objects.filter(pk=step.pk).update(
        created_at=dt.datetime(2026, 10, 1, 4, 30, tzinfo=dt.UTC)
    )
    nih_expert.time_zone = "Asia/Shanghai"
    nih_expert.save(update_fields=["time_zone"])
    client.force_login(nih_expert)

    html = html_of(client.get(rec.get_absolute_url()))

    timeline = html.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "Return for revision" in timeline
    assert f"by {ministry.display_name}" in timeline
    assert "Submitted to the ministry" in timeline
    assert "Returned for revision" in timeline
    assert "Add costs." in timeline
    assert 'datetime="2026-10-01T12:30:00+08:00"' in timeline  # 04:30 UTC in Shanghai
    assert "12:30" in timeline


def test_detail_shows_edit_versions_and_archive_only_when_allowed(
    client, team, nih_expert, nih_lead, ministry
):
    draft = RecommendationFactory()
    submitted = RecommendationFactory(submitted=True)
    edit_url = reverse("collaboration:recommendation-update", args=[draft.pk])
    archive_url = reverse("collaboration:recommendation-archive", args=[draft.pk])

    client.force_login(nih_expert)
    html = html_of(client.get(draft.get_absolute_url()))
    assert edit_url in html
    assert reverse("collaboration:recommendation-versions", args=[draft.pk]) in html
    assert archive_url not in html
    submitted_html = html_of(client.get(submitted.get_absolute_url()))
    assert reverse("collaboration:recommendation-update", args=[submitted.pk]) not in submitted_html

    client.force_login(ministry)
    html = html_of(client.get(draft.get_absolute_url()))
    assert edit_url not in html
    assert archive_url in html


# Workflow steps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "trait", "step", "comment", "http_status", "final"),
    [
        ("nih_expert", None, "send_to_team_review", "", 302, S.TEAM_REVIEW),
        ("nih_expert2", "team_review", "back_to_draft", "Needs costs.", 302, S.DRAFT),
        ("nih_expert", "team_review", "endorse", "", 403, S.TEAM_REVIEW),
        ("nih_lead", "team_review", "endorse", "", 302, S.ENDORSED),
        ("nih_lead", "endorsed", "submit_to_ministry", "", 302, S.SUBMITTED),
        ("nih_expert", "endorsed", "submit_to_ministry", "", 403, S.ENDORSED),
        ("ministry", "submitted", "approve", "", 302, S.APPROVED),
        ("approver", "submitted", "approve", "", 302, S.APPROVED),
        ("ministry", "submitted", "return_for_revision", "Add costs.", 302, S.RETURNED),
        ("approver", "submitted", "reject", "Out of scope.", 302, S.REJECTED),
        ("nih_lead", "submitted", "approve", "", 403, S.SUBMITTED),
        ("nih_expert", "submitted", "reject", "No.", 403, S.SUBMITTED),
        ("ministry", None, "send_to_team_review", "", 403, S.DRAFT),
        ("ministry", "team_review", "approve", "", 409, S.TEAM_REVIEW),
        ("nih_lead", None, "endorse", "", 409, S.DRAFT),
        ("nih_expert", "returned", "reopen", "", 302, S.DRAFT),
        ("ministry", "submitted", "reject", "", 409, S.SUBMITTED),  # the comment is required
        ("ministry", "submitted", "dance", "", 409, S.SUBMITTED),  # no such step
        ("bgi_liaison", "submitted", "approve", "", 404, S.SUBMITTED),
        ("api_client", "submitted", "approve", "", 404, S.SUBMITTED),
    ],
)
def test_posting_a_step_is_allowed_or_refused_per_role_and_state(
    client, team, persona, who, trait, step, comment, http_status, final
):
    rec = RecommendationFactory(**({trait: True} if trait else {}))
    client.force_login(persona(who))

    response = client.post(
        reverse("collaboration:recommendation-transition", args=[rec.pk]),
        # approving and rejecting ask first (tests/portal/test_confirm_step.py): confirmed here
        {"transition": step, "version": rec.version, "comment": comment, "confirmed": "1"},
    )

    rec.refresh_from_db()
    assert response.status_code == http_status
    assert rec.status == final
    assert RecommendationTransition.objects.filter(subject=rec).count() == (
        1 if http_status == 302 else 0
    )


def test_a_step_names_the_new_status_and_records_the_reference(client, team, nih_lead):
    rec = RecommendationFactory(endorsed=True, title="Gene bank")
    client.force_login(nih_lead)

    response = client.post(
        reverse("collaboration:recommendation-transition", args=[rec.pk]),
        {"transition": "submit_to_ministry", "version": rec.version, "official_reference": "D-42"},
        follow=True,
    )

    rec.refresh_from_db()
    assert "“Gene bank” is now: Submitted to the ministry." in html_of(response)
    assert rec.official_reference == "D-42"


def test_a_refused_step_explains_why_and_changes_nothing(client, team, ministry):
    rec = RecommendationFactory(submitted=True)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:recommendation-transition", args=[rec.pk]),
        {"transition": "reject", "version": rec.version, "comment": "  "},
    )

    assert response.status_code == 409
    assert "needs a comment saying why" in html_of(response)
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED


def test_a_step_from_a_stale_page_is_refused(client, team, ministry):
    rec = RecommendationFactory(submitted=True, version=3)
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:recommendation-transition", args=[rec.pk]),
        {"transition": "approve", "version": 2},
    )

    assert response.status_code == 409
    assert "Someone else changed this since you opened it; nothing was changed." in html_of(
        response
    )
    rec.refresh_from_db()
    assert (rec.status, rec.version) == (S.SUBMITTED, 3)


def test_the_step_url_accepts_only_post(client, team, ministry):
    rec = RecommendationFactory(submitted=True)
    client.force_login(ministry)

    assert (
        client.get(reverse("collaboration:recommendation-transition", args=[rec.pk])).status_code
        == 405
    )


# Create and edit ------------------------------------------------------------------------------


def test_team_member_creates_a_draft_through_the_form(client, team, nih_expert, thalassemia):
    capability = CapabilityFactory()
    client.force_login(nih_expert)
    form_page = client.get(reverse("collaboration:recommendation-create"))
    assert form_page.status_code == 200
    assert "Markdown:" in html_of(form_page)

    response = client.post(
        reverse("collaboration:recommendation-create"),
        form_data(thalassemia, capabilities=[capability.pk]),
    )

    rec = Recommendation.objects.get()
    assert response.status_code == 302
    assert response.url == rec.get_absolute_url()
    assert rec.title == "Carrier screening in Punjab"
    assert rec.estimated_cost_pkr == Decimal("12500000")
    assert list(rec.authors.all()) == [nih_expert]
    assert list(rec.priority_areas.all()) == [thalassemia]
    assert list(rec.capabilities.all()) == [capability]
    assert rec.versions.count() == 1


def test_create_form_refuses_missing_title_and_areas_and_negative_cost(
    client, team, nih_expert, thalassemia
):
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:recommendation-create"),
        form_data(thalassemia, title="", priority_areas=[], estimated_cost_pkr="-5"),
    )

    html = html_of(response)
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Choose at least one priority area." in html
    assert "greater than or equal to 0" in html
    assert Recommendation.objects.count() == 0


def test_a_draft_from_the_form_belongs_to_its_priority_areas_programme(client, team, nih_expert):
    # The page used to file it under the author's team's programme whatever the areas said.
    other = ProgrammeFactory(name="Another programme")
    area = PriorityAreaFactory(programme=other, name="Newborn screening")
    client.force_login(nih_expert)

    response = client.post(reverse("collaboration:recommendation-create"), form_data(area))

    assert response.status_code == 302
    rec = Recommendation.objects.get()
    assert rec.programme == other != team.programme


def test_the_form_refuses_priority_areas_of_two_programmes(client, team, nih_expert, thalassemia):
    # The page used to accept them (only the API checked); the service now refuses them.
    other = PriorityAreaFactory(programme=ProgrammeFactory(name="Another programme"))
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:recommendation-create"),
        form_data(thalassemia, priority_areas=[thalassemia.pk, other.pk]),
    )

    assert response.status_code == 400
    assert "The priority areas must belong to one programme." in html_of(response)
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize("who", ["ministry", "approver"])
def test_people_outside_the_team_may_not_create(client, team, persona, who, thalassemia):
    client.force_login(persona(who))

    assert client.get(reverse("collaboration:recommendation-create")).status_code == 403
    response = client.post(reverse("collaboration:recommendation-create"), form_data(thalassemia))
    assert response.status_code == 403
    assert Recommendation.objects.count() == 0


def test_expert_edits_a_draft_and_a_new_version_is_kept(client, team, nih_expert, thalassemia):
    rec = RecommendationFactory(priority_areas=[thalassemia], title="Old title")
    client.force_login(nih_expert)
    url = reverse("collaboration:recommendation-update", args=[rec.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert hidden_version(form_page) == 1
    assert 'value="Old title"' in html_of(form_page)

    response = client.post(
        url, form_data(thalassemia, title="New title", version=1, note="Costs added")
    )

    rec.refresh_from_db()
    assert response.status_code == 302
    assert (rec.title, rec.revision, rec.version) == ("New title", 2, 2)
    assert rec.versions.get(number=2).note == "Costs added"
    assert nih_expert in rec.authors.all()
    assert "saved as version 2" in html_of(client.get(rec.get_absolute_url()))


@pytest.mark.parametrize("trait", ["submitted", "team_review", "approved"])
def test_editing_a_recommendation_that_is_not_a_draft_is_refused(
    client, team, nih_expert, thalassemia, trait
):
    rec = RecommendationFactory(priority_areas=[thalassemia], title="Locked", **{trait: True})
    url = reverse("collaboration:recommendation-update", args=[rec.pk])
    client.force_login(nih_expert)

    page = client.get(url)
    response = client.post(url, form_data(thalassemia, title="Changed", version=rec.version))

    assert page.status_code == 409
    assert "can no longer be edited" in html_of(page)
    assert response.status_code == 409
    assert "Your changes were not saved." in html_of(response)
    assert "Changed" in html_of(response)  # their text is given back to copy
    rec.refresh_from_db()
    assert (rec.title, rec.revision, rec.version) == ("Locked", 1, 1)
    assert rec.versions.count() == 1


def test_ministry_may_not_edit_a_draft(client, team, ministry, thalassemia):
    rec = RecommendationFactory(priority_areas=[thalassemia])
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:recommendation-update", args=[rec.pk]),
        form_data(thalassemia, version=1),
    )

    assert response.status_code == 403
    rec.refresh_from_db()
    assert rec.revision == 1


def test_concurrent_edit_shows_the_conflict_and_the_second_save_merges(
    client, team, nih_expert, nih_expert2, thalassemia
):
    # given: two experts open the edit form of the same draft (version 1)
    rec = RecommendationFactory(
        priority_areas=[thalassemia], title="Screening", body="Screen carriers in Lahore."
    )
    url = reverse("collaboration:recommendation-update", args=[rec.pk])
    client.force_login(nih_expert)
    assert hidden_version(client.get(url)) == 1
    from django.test import Client

    other = Client()
    other.force_login(nih_expert2)
    assert hidden_version(other.get(url)) == 1

    # when: the first saves, then the second saves from the same version
    first = client.post(
        url,
        form_data(thalassemia, title="Screening", body="Screen carriers in Karachi.", version=1),
    )
    second = other.post(
        url,
        form_data(thalassemia, title="Screening", body="Screen all carriers in Lahore.", version=1),
    )

    # then: the second gets the conflict page with both texts and the word diff
    assert first.status_code == 302
    html = html_of(second)
    assert second.status_code == 409
    assert "Someone else saved this recommendation while you were editing" in html
    assert "Screen all carriers in Lahore." in html  # their text
    assert "Screen carriers in Karachi." in html  # the saved text
    assert '<ins class="diff-ins"> all</ins>' in html
    assert '<del class="diff-del">Karachi</del><ins class="diff-ins">Lahore</ins>' in html
    assert f"{nih_expert.display_name} saved version 2" in html
    same = html.split('data-testid="same-fields"', 1)[1].split("</p>", 1)[0]
    assert "Title" in same
    assert "Recommendation" not in same
    assert hidden_version(second) == 2
    rec.refresh_from_db()
    assert (rec.body, rec.version) == ("Screen carriers in Karachi.", 2)

    # and: saving the merged text from the conflict form, based on version 2, succeeds
    merged = other.post(
        url,
        form_data(
            thalassemia,
            title="Screening",
            body="Screen all carriers in Karachi.",
            version=hidden_version(second),
        ),
    )
    assert merged.status_code == 302
    rec.refresh_from_db()
    assert (rec.body, rec.revision) == ("Screen all carriers in Karachi.", 3)
    assert list(rec.versions.order_by("number").values_list("body", flat=True)) == [
        "Screen carriers in Lahore.",
        "Screen carriers in Karachi.",
        "Screen all carriers in Karachi.",
    ]


def test_edit_conflict_after_someone_submitted_gives_the_text_back(
    client, team, nih_expert, thalassemia
):
    rec = RecommendationFactory(priority_areas=[thalassemia], title="Screening")
    url = reverse("collaboration:recommendation-update", args=[rec.pk])
    client.force_login(nih_expert)
    client.get(url)
    recommendation_transition(recommendation=rec, name="send_to_team_review", actor=nih_expert)

    response = client.post(url, form_data(thalassemia, body="My late change.", version=1))

    assert response.status_code == 409
    assert "can no longer be edited" in html_of(response)
    assert "My late change." in html_of(response)
    rec.refresh_from_db()
    assert rec.revision == 1


# Comments and archive -------------------------------------------------------------------------


def test_comments_post_and_show_with_markdown(client, team, nih_expert, ministry):
    rec = RecommendationFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("collaboration:recommendation-comment", args=[rec.pk]),
        {"body": "Please add **costs**."},
    )

    assert response.status_code == 302
    assert response.url.endswith("#comments")
    client.force_login(nih_expert)
    html = html_of(client.get(rec.get_absolute_url()))
    assert "Please add <strong>costs</strong>." in html
    assert ministry.display_name in html
    assert rec.comments.get().author == ministry


def test_an_empty_comment_is_refused_with_a_field_error(client, team, nih_expert):
    rec = RecommendationFactory()
    client.force_login(nih_expert)

    response = client.post(
        reverse("collaboration:recommendation-comment", args=[rec.pk]), {"body": "  "}
    )

    assert response.status_code == 400
    assert "This field is required." in html_of(response)
    assert rec.comments.count() == 0


def test_administrator_without_a_comment_role_gets_403(client, administrator):
    rec = RecommendationFactory()
    client.force_login(administrator)

    assert "comment-form" not in html_of(client.get(rec.get_absolute_url()))
    response = client.post(
        reverse("collaboration:recommendation-comment", args=[rec.pk]), {"body": "Hi"}
    )
    assert response.status_code == 403
    assert rec.comments.count() == 0


def test_lead_archives_a_draft_and_it_leaves_the_list(client, team, nih_lead):
    rec = RecommendationFactory(title="Abandoned idea")
    client.force_login(nih_lead)

    response = client.post(
        reverse("collaboration:recommendation-archive", args=[rec.pk]), {"version": rec.version}
    )

    rec.refresh_from_db()
    assert response.status_code == 302
    assert rec.archived_at is not None
    assert table_titles(client.get(reverse("collaboration:recommendation-list"))) == []
    detail = html_of(client.get(rec.get_absolute_url()))
    assert "Archived on" in detail
    assert offered_steps(client.get(rec.get_absolute_url())) == set()


def test_archiving_is_refused_for_experts_and_for_records_under_decision(
    client, team, nih_expert, ministry
):
    draft = RecommendationFactory()
    submitted = RecommendationFactory(submitted=True)

    client.force_login(nih_expert)
    refused = client.post(
        reverse("collaboration:recommendation-archive", args=[draft.pk]), {"version": 1}
    )
    client.force_login(ministry)
    conflict = client.post(
        reverse("collaboration:recommendation-archive", args=[submitted.pk]), {"version": 1}
    )

    assert refused.status_code == 403
    assert conflict.status_code == 409
    assert "cannot be archived" in html_of(conflict)
    assert Recommendation.objects.filter(archived_at__isnull=False).count() == 0


# Versions and differences ---------------------------------------------------------------------


@pytest.fixture
def edited(team, nih_expert, nih_expert2, thalassemia):
    """A draft saved three times: versions 1, 2 (by nih_expert) and 3 (by nih_expert2)."""
    rec = RecommendationFactory(
        priority_areas=[thalassemia], title="Screening", body="Screen carriers in Lahore."
    )
    for actor, body, note in (
        (nih_expert, "Screen all carriers in Karachi.", "Wider scope"),
        (nih_expert2, "Screen all <b>carriers</b> in Karachi.", "Emphasis"),
    ):
        rec = recommendation_update(
            recommendation=rec,
            actor=actor,
            expected_version=rec.version,
            data=RecommendationData(title="Screening", body=body, priority_areas=[thalassemia]),
            note=note,
        )
    return rec


def test_versions_page_lists_every_version_and_defaults_to_the_latest_two(
    client, nih_expert, nih_expert2, edited
):
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-versions", args=[edited.pk]))

    html = html_of(response)
    assert response.status_code == 200
    assert "Wider scope" in html
    assert "Emphasis" in html
    assert nih_expert2.display_name in html
    assert re.search(r'<option value="2" selected>Version 2</option>', html)
    assert re.search(r'<option value="3" selected>Version 3</option>', html)
    assert reverse("collaboration:recommendation-diff", args=[edited.pk]) in html


def test_diff_page_shows_word_level_insertions_and_deletions(client, nih_expert, edited):
    client.force_login(nih_expert)

    response = client.get(
        reverse("collaboration:recommendation-diff", args=[edited.pk]), {"from": 1, "to": 2}
    )

    html = html_of(response)
    assert response.status_code == 200
    body = html.split('data-testid="diff-body"', 1)[1].split("</div>", 1)[0]
    assert (
        'Screen<ins class="diff-ins"> all</ins> carriers in <del class="diff-del">Lahore</del>'
        '<ins class="diff-ins">Karachi</ins>.'
    ) in body
    assert "How differences are shown" in html
    assert "“[-”" in html
    assert "“{+”" in html


def test_diff_escapes_the_texts_it_compares(client, nih_expert, edited):
    client.force_login(nih_expert)

    html = html_of(
        client.get(
            reverse("collaboration:recommendation-diff", args=[edited.pk]), {"from": 2, "to": 3}
        )
    )

    assert "<b>carriers" not in html
    assert (
        'Screen all <ins class="diff-ins">&lt;b&gt;</ins>carriers'
        '<ins class="diff-ins">&lt;/b&gt;</ins> in Karachi.'
    ) in html


def test_diff_without_parameters_compares_the_latest_two(client, nih_expert, edited):
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-diff", args=[edited.pk]))

    assert response.status_code == 200
    assert "Changes from version 2 to version 3" in html_of(response)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"from": 1, "to": 9}, 404),
        ({"from": 7, "to": 3}, 404),
        ({"from": "one", "to": 2}, 400),
        ({"from": 1, "to": "2.5"}, 400),
        ({"from": 1}, 400),
    ],
)
def test_diff_refuses_unknown_and_malformed_version_numbers(
    client, nih_expert, edited, query, status
):
    client.force_login(nih_expert)

    response = client.get(reverse("collaboration:recommendation-diff", args=[edited.pk]), query)

    assert response.status_code == status


def test_versions_of_another_recommendation_are_not_found_through_this_one(
    client, nih_expert, edited
):
    other = RecommendationFactory()
    RecommendationVersion.objects.create(recommendation=other, number=2, title="x")
    client.force_login(nih_expert)

    response = client.get(
        reverse("collaboration:recommendation-diff", args=[other.pk]), {"from": 1, "to": 3}
    )

    assert response.status_code == 404


def test_unknown_recommendation_is_404(client, team, nih_expert):
    client.force_login(nih_expert)

    assert (
        client.get(reverse("collaboration:recommendation-detail", args=[999999])).status_code == 404
    )


def test_user_factory_personas_without_team_membership_cannot_edit(client, thalassemia):
    outsider = UserFactory(username="outsider", roles=["nih_expert"])
    rec = RecommendationFactory(priority_areas=[thalassemia])
    client.force_login(outsider)

    response = client.get(reverse("collaboration:recommendation-update", args=[rec.pk]))

    assert response.status_code == 403
