"""MoU drafting pages: the list, a new MoU, the overview and its workflow, the clause editor
with its out-of-step flags, published versions (immutable) with comments, sharing with BGI,
and the clause-by-clause difference, as each persona sees them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mou.models import Clause, ClauseComment, Clearance, Mou, MouVersion
from mou.services import (
    ClauseData,
    clause_comment_add,
    clause_move,
    clause_remove,
    clause_update,
    mou_version_publish,
    mou_version_share,
    out_of_step_override_record,
)
from mou.workflows import PUBLISHABLE_STATUSES
from portal.exceptions import Conflict
from tests.factories import (
    ClauseFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

S = Mou.Status


def html_of(response) -> str:
    return response.content.decode()


def hidden_version(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html_of(response)).group(1))


def clause_form(clause, **changes):
    data = {
        "heading_en": clause.heading_en,
        "text_en": clause.text_en,
        "heading_zh": clause.heading_zh,
        "text_zh": clause.text_zh,
        "version": clause.version,
        "priority_areas": [a.pk for a in clause.priority_areas.all()],
        "recommendations": [r.pk for r in clause.recommendations.all()],
    }
    data.update(changes)
    return data


def data_of(clause, **changes):
    values = {f: getattr(clause, f) for f in ("heading_en", "text_en", "heading_zh", "text_zh")}
    return ClauseData(**{**values, **changes})


def draft(*, clauses=3, **mou_fields):
    """An MoU whose working draft has `clauses` clauses numbered 1..n."""
    mou = MouFactory(**mou_fields)
    for position in range(1, clauses + 1):
        ClauseFactory(
            mou=mou,
            position=position,
            heading_en=f"Heading {position}",
            text_en=f"The Parties shall cooperate on item {position}.",
            heading_zh=f"标题{position}",
            text_zh=f"双方应就第{position}项开展合作。",
        )
    return mou


def shared_mou(ministry, **fields):
    """An MoU with version 1 published and shared with BGI."""
    mou = draft(**fields)
    version = mou_version_publish(mou=mou, actor=ministry, note="For BGI")
    mou_version_share(version=version, actor=ministry)
    return mou, version


# The list ---------------------------------------------------------------------------------------


def test_ministry_sees_every_mou_with_status_latest_version_and_out_of_step_count(client, ministry):
    mou = draft(title="Genomics MoU", title_zh="基因组谅解备忘录")
    mou_version_publish(mou=mou, actor=ministry)
    clause = mou.clauses.first()
    clause_update(clause=clause, actor=ministry, expected_version=clause.version,
                  data=data_of(clause, text_en="Changed in English only."))  # fmt: skip
    draft(title="Unpublished MoU")
    client.force_login(ministry)

    response = client.get(reverse("mou:mou-list"))

    body = html_of(response)
    assert response.status_code == 200
    assert "Genomics MoU" in body
    assert "Unpublished MoU" in body
    assert 'lang="zh-Hans">基因组谅解备忘录' in body
    assert "Version 1" in body
    assert "None published yet" in body
    assert "1 clause</a>" in body
    assert "Drafting" in body


def test_bgi_liaison_lists_only_the_mou_with_a_shared_version(client, ministry, bgi_liaison):
    shared, _version = shared_mou(ministry, title="Shared MoU")
    unshared = draft(title="Internal MoU")
    mou_version_publish(mou=unshared, actor=ministry)
    draft(title="Draft-only MoU")
    client.force_login(bgi_liaison)

    response = client.get(reverse("mou:mou-list"))

    body = html_of(response)
    assert response.status_code == 200
    assert re.findall(r'<a href="/mou/(\d+)/">', body) == [str(shared.pk)]
    assert "Internal MoU" not in body
    assert "Draft-only MoU" not in body
    assert "Clauses out of step" not in body
    assert "Responsible officer" not in body


def test_api_client_and_strangers_get_404_on_the_pages(client, api_client, ministry):
    mou, _version = shared_mou(ministry)
    client.force_login(api_client)

    assert client.get(reverse("mou:mou-list")).status_code == 404
    assert client.get(reverse("mou:mou-detail", args=[mou.pk])).status_code == 404


def test_the_mou_list_costs_the_same_queries_for_10_and_200_mous(
    client, ministry, django_assert_max_num_queries
):
    client.force_login(ministry)

    def make(n):
        for _ in range(n):
            mou = MouFactory()
            ClauseFactory(mou=mou, lagging_language="zh")
            MouVersion.objects.create(mou=mou, number=1, published_by=ministry)

    make(10)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("mou:mou-list")).status_code == 200
    make(190)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("mou:mou-list")).status_code == 200


# A new MoU --------------------------------------------------------------------------------------


def test_ministry_starts_an_mou_with_its_own_clearance_chain(client, ministry):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    client.force_login(ministry)
    assert client.get(reverse("mou:mou-create")).status_code == 200

    response = client.post(
        reverse("mou:mou-create"),
        {
            "programme": programme.pk,
            "title": "MoU on genomics",
            "title_zh": "基因组学谅解备忘录",
            "responsible_officer": ministry.pk,
            "term_months": 60,
            "clearances": "Legal section\n\nMinistry of Foreign Affairs\n",
        },
    )

    mou = Mou.objects.get(title="MoU on genomics")
    assert response.status_code == 302
    assert response["Location"] == reverse("mou:clause-list", args=[mou.pk])
    assert (mou.status, mou.responsible_officer, mou.title_zh) == (
        S.DRAFTING,
        ministry,
        "基因组学谅解备忘录",
    )
    assert [c.name for c in mou.clearances.all()] == [
        "Legal section",
        "Ministry of Foreign Affairs",
    ]


def test_nih_expert_cannot_start_an_mou_and_bgi_does_not_see_the_page(
    client, nih_expert, bgi_liaison
):
    client.force_login(nih_expert)
    assert client.get(reverse("mou:mou-create")).status_code == 403
    assert client.post(reverse("mou:mou-create"), {"title": "x"}).status_code == 403

    client.force_login(bgi_liaison)
    assert client.get(reverse("mou:mou-create")).status_code == 404
    assert Mou.objects.count() == 0


def test_an_mou_without_a_title_is_refused_with_the_field_error(client, ministry):
    from tests.factories import ProgrammeFactory

    client.force_login(ministry)
    response = client.post(
        reverse("mou:mou-create"),
        {"programme": ProgrammeFactory().pk, "title": "", "term_months": 60},
    )

    assert response.status_code == 400
    assert "This field is required." in html_of(response)
    assert Mou.objects.count() == 0


# The overview and its workflow ------------------------------------------------------------------


def test_the_overview_shows_titles_stepper_officer_version_and_clearances(client, ministry):
    mou = draft(title="Genomics MoU", title_zh="基因组谅解备忘录", responsible_officer=ministry)
    Clearance.objects.create(mou=mou, name="Legal section", position=0)
    Clearance.objects.create(
        mou=mou,
        name="Foreign Affairs",
        position=1,
        decision=Clearance.Decision.CLEARED,
        decided_on=timezone.localdate(),
    )
    mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    response = client.get(reverse("mou:mou-detail", args=[mou.pk]))

    body = html_of(response)
    assert response.status_code == 200
    assert '<h1 class="h3">Genomics MoU</h1>' in body
    assert 'lang="zh-Hans">基因组谅解备忘录' in body
    assert re.search(r'aria-current="step">\s*<span aria-hidden="true">●</span>\s*'
                     r'<span class="fw-bold">Now:</span>\s*Drafting', body)  # fmt: skip
    assert re.search(r"To come:</span>\s*In force\s*</li>", body)
    assert ministry.display_name in body
    assert "Version 1</a>" in body
    assert "1 of 2 cleared." in body
    assert 'data-transition="submit_for_review"' in body


def test_ministry_moves_the_mou_and_the_timeline_records_who_when_and_why(client, ministry):
    mou = draft()
    client.force_login(ministry)

    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "submit_for_review", "version": mou.version},
    )
    assert response.status_code == 302
    mou.refresh_from_db()
    client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "back_to_drafting", "version": mou.version, "comment": "Fix clause 5"},
    )

    mou.refresh_from_db()
    assert mou.status == S.DRAFTING
    body = html_of(client.get(reverse("mou:mou-detail", args=[mou.pk])))
    assert "Submit for internal review" in body
    assert "Back to drafting" in body
    assert "from Drafting to Internal review" in body
    assert "from Internal review to Drafting" in body
    assert "Fix clause 5" in body
    assert body.count(ministry.display_name) >= 2


def test_approval_without_every_clearance_answers_409_and_names_the_missing_ones(client, approver):
    mou = draft(text_agreed=True)
    Clearance.objects.create(mou=mou, name="Ministry of Law and Justice", position=0)
    client.force_login(approver)

    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "approve_for_signature", "version": mou.version},
    )

    assert response.status_code == 409
    assert "Clearances still missing: Ministry of Law and Justice." in html_of(response)
    mou.refresh_from_db()
    assert mou.status == S.TEXT_AGREED


def test_steps_that_carry_data_are_not_buttons_and_are_refused_when_posted(client, approver):
    mou = draft(approved=True)
    client.force_login(approver)

    body = html_of(client.get(reverse("mou:mou-detail", args=[mou.pk])))
    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "mark_signed", "version": mou.version},
    )

    assert 'data-transition="mark_signed"' not in body
    assert response.status_code == 409
    mou.refresh_from_db()
    assert mou.status == S.APPROVED


def test_a_step_that_needs_a_comment_has_a_comment_field_and_is_refused_without_one(
    client, ministry
):
    mou = draft(text_agreed=True)
    client.force_login(ministry)

    body = html_of(client.get(reverse("mou:mou-detail", args=[mou.pk])))
    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "back_to_drafting", "version": mou.version, "comment": " "},
    )

    assert 'id="transition-back_to_drafting-comment"' in body
    assert response.status_code == 409
    assert "needs a comment" in html_of(response)


def test_nih_expert_reads_the_overview_without_buttons_and_cannot_move_the_mou(client, nih_expert):
    mou = draft()
    client.force_login(nih_expert)

    body = html_of(client.get(reverse("mou:mou-detail", args=[mou.pk])))
    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "submit_for_review", "version": mou.version},
    )

    assert "data-transition=" not in body
    assert response.status_code == 403
    mou.refresh_from_db()
    assert mou.status == S.DRAFTING


def test_a_stale_page_does_not_move_the_mou(client, ministry):
    mou = draft()
    client.force_login(ministry)

    response = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "submit_for_review", "version": mou.version + 5},
    )

    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in html_of(response)
    mou.refresh_from_db()
    assert mou.status == S.DRAFTING


def test_bgi_overview_shows_only_the_shared_version_and_no_internal_record(
    client, ministry, bgi_liaison
):
    mou, _version = shared_mou(ministry, responsible_officer=ministry)
    Clearance.objects.create(mou=mou, name="Legal section", position=0)
    client.force_login(bgi_liaison)

    response = client.get(reverse("mou:mou-detail", args=[mou.pk]))

    body = html_of(response)
    assert response.status_code == 200
    assert "version 1, shared on" in body
    assert "Legal section" not in body
    assert "Clearances" not in body
    assert ministry.display_name not in body
    assert reverse("mou:clause-list", args=[mou.pk]) not in body
    assert reverse("mou:review-list", args=[mou.pk]) not in body
    assert reverse("mou:version-list", args=[mou.pk]) in body


# The clause editor ------------------------------------------------------------------------------


def test_the_clause_editor_shows_both_languages_side_by_side_with_what_each_clause_cites(
    client, ministry
):
    mou = draft(clauses=2)
    area = PriorityAreaFactory(programme=mou.programme, name="Thalassemia", slug="thal")
    recommendation = RecommendationFactory(programme=mou.programme, approved=True,
                                           title="Carrier screening")  # fmt: skip
    first = mou.clauses.get(position=1)
    first.priority_areas.add(area)
    first.recommendations.add(recommendation)
    client.force_login(ministry)

    response = client.get(reverse("mou:clause-list", args=[mou.pk]))

    body = html_of(response)
    assert response.status_code == 200
    assert re.search(r'<div class="col-lg-6">\s*<h4[^>]*>English</h4>', body)
    assert 'lang="zh-Hans" data-testid="clause-text-zh">双方应就第1项开展合作。' in body
    assert 'lang="en" data-testid="clause-text-en">The Parties shall cooperate on item 1.' in body
    assert f'<a href="{area.get_absolute_url()}">Thalassemia</a>' in body
    assert f'<a href="{recommendation.get_absolute_url()}">Carrier screening</a>' in body
    assert reverse("mou:clause-update", args=[first.pk]) in body
    assert "Move down" in body
    assert "Remove from the draft" in body


def test_the_out_of_step_badge_appears_after_editing_only_the_english_and_goes_when_marked_in_step(
    client, ministry
):
    mou = draft(clauses=2)
    clause = mou.clauses.get(position=2)
    client.force_login(ministry)
    listing = reverse("mou:clause-list", args=[mou.pk])
    assert "out-of-step-badge" not in html_of(client.get(listing))

    response = client.post(
        reverse("mou:clause-update", args=[clause.pk]),
        clause_form(clause, text_en="The Parties shall cooperate closely on item 2."),
    )

    assert response.status_code == 302
    body = html_of(client.get(listing))
    assert body.count('data-testid="out-of-step-badge"') == 1
    assert ("Out of step: the Chinese text has not followed the English change") in body
    assert 'id="out-of-step"' in body
    assert "Clause 2, “Heading 2”" in body

    response = client.post(reverse("mou:clause-clear-out-of-step", args=[clause.pk]))

    assert response.status_code == 302
    body = html_of(client.get(listing))
    assert "out-of-step-badge" not in body
    assert 'id="out-of-step"' not in body
    clause.refresh_from_db()
    assert clause.is_out_of_step is False


def test_ministry_edits_a_clause_and_the_nih_expert_cannot(client, ministry, nih_expert):
    mou = draft(clauses=1)
    clause = mou.clauses.get()
    url = reverse("mou:clause-update", args=[clause.pk])

    client.force_login(nih_expert)
    listing = html_of(client.get(reverse("mou:clause-list", args=[mou.pk])))
    refused = client.post(url, clause_form(clause, text_en="NIH text."))
    assert url not in listing
    assert "Remove from the draft" not in listing
    assert client.get(url).status_code == 403
    assert refused.status_code == 403
    assert client.post(reverse("mou:clause-remove", args=[clause.pk])).status_code == 403

    client.force_login(ministry)
    assert hidden_version(client.get(url)) == clause.version
    saved = client.post(url, clause_form(clause, text_en="Ministry text.", text_zh="部委文本。"))

    clause.refresh_from_db()
    assert saved.status_code == 302
    assert (clause.text_en, clause.text_zh, clause.is_out_of_step) == (
        "Ministry text.",
        "部委文本。",
        False,
    )


def test_bgi_sees_neither_the_clause_editor_nor_the_draft(client, ministry, bgi_liaison):
    mou, _version = shared_mou(ministry)
    clause = mou.clauses.first()
    client.force_login(bgi_liaison)

    for url in (
        reverse("mou:clause-list", args=[mou.pk]),
        reverse("mou:clause-create", args=[mou.pk]),
        reverse("mou:clause-update", args=[clause.pk]),
        reverse("mou:clause-from-recommendation", args=[mou.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("mou:clause-remove", args=[clause.pk])).status_code == 404
    assert client.post(reverse("mou:clause-update", args=[clause.pk]), clause_form(clause)).status_code == 404  # fmt: skip
    clause.refresh_from_db()
    assert clause.archived_at is None


def test_editing_during_legal_vetting_answers_409_and_changes_nothing(client, ministry):
    mou = draft(clauses=2, status=S.LEGAL_VETTING)
    clause = mou.clauses.get(position=1)
    client.force_login(ministry)

    listing = html_of(client.get(reverse("mou:clause-list", args=[mou.pk])))
    page = client.get(reverse("mou:clause-update", args=[clause.pk]))
    response = client.post(
        reverse("mou:clause-update", args=[clause.pk]),
        clause_form(clause, text_en="Changed during vetting."),
    )
    moved = client.post(reverse("mou:clause-move", args=[clause.pk]), {"position": 2})
    added = client.post(
        reverse("mou:clause-create", args=[mou.pk]), {"heading_en": "New", "text_en": "New text."}
    )

    assert "Add a clause" not in listing
    assert "Legal vetting" in listing
    assert page.status_code == 409
    assert response.status_code == 409
    body = html_of(response)
    assert "clauses change only while it is being drafted or negotiated" in body
    assert "Changed during vetting." in body  # the unsaved text is kept on screen
    assert moved.status_code == 409
    assert added.status_code == 409
    clause.refresh_from_db()
    assert (clause.text_en, clause.position) == ("The Parties shall cooperate on item 1.", 1)
    assert mou.clauses.count() == 2


def test_a_stale_clause_edit_shows_both_texts_and_overwrites_nothing(client, ministry):
    mou = draft(clauses=1)
    clause = mou.clauses.get()
    client.force_login(ministry)
    stale = clause_form(clause, text_en="My text for the clause.")
    clause_update(clause=clause, actor=ministry, expected_version=clause.version,
                  data=data_of(clause, text_en="Their text for the clause."))  # fmt: skip

    response = client.post(reverse("mou:clause-update", args=[clause.pk]), stale)

    body = html_of(response)
    assert response.status_code == 409
    assert re.search(r'data-testid="yours-text_en"\s*>My text for the clause.<', body)
    assert re.search(r'data-testid="saved-text_en"\s*>Their text for the clause.<', body)
    assert '<del class="diff-del">Their</del>' in body
    assert '<ins class="diff-ins">My</ins>' in body
    assert hidden_version(response) == clause.version + 1
    clause.refresh_from_db()
    assert clause.text_en == "Their text for the clause."


def test_ministry_adds_a_clause_at_the_end_of_the_draft_with_its_links(client, ministry):
    mou = draft(clauses=2)
    area = PriorityAreaFactory(programme=mou.programme)
    recommendation = RecommendationFactory(programme=mou.programme, approved=True)
    client.force_login(ministry)
    page = html_of(client.get(reverse("mou:clause-create", args=[mou.pk])))

    response = client.post(
        reverse("mou:clause-create", args=[mou.pk]),
        {
            "heading_en": "Gene bank",
            "text_en": "The Parties shall establish a national gene bank.",
            "heading_zh": "基因库",
            "text_zh": "双方将建立国家基因库。",
            "priority_areas": [area.pk],
            "recommendations": [recommendation.pk],
        },
    )

    clause = mou.clauses.get(heading_en="Gene bank")
    assert 'lang="zh-Hans"' in page
    assert 'name="recommendations"' in page
    assert response.status_code == 302
    assert (clause.position, clause.is_out_of_step) == (3, False)
    assert list(clause.priority_areas.all()) == [area]
    assert list(clause.recommendations.all()) == [recommendation]


def test_clauses_move_up_and_down_and_removal_renumbers_the_rest(client, ministry):
    mou = draft(clauses=3)
    first, second, third = mou.clauses.order_by("position")
    client.force_login(ministry)

    client.post(reverse("mou:clause-move", args=[third.pk]), {"position": 2})
    assert list(mou.clauses.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    client.post(reverse("mou:clause-move", args=[first.pk]), {"position": 2})
    response = client.post(reverse("mou:clause-remove", args=[third.pk]))

    assert response.status_code == 302
    live = mou.clauses.filter(archived_at__isnull=True).order_by("position")
    assert [(c.pk, c.position) for c in live] == [(first.pk, 1), (second.pk, 2)]
    assert client.post(reverse("mou:clause-move", args=[first.pk]), {"position": "x"}).status_code == 400  # fmt: skip
    assert client.get(reverse("mou:clause-update", args=[third.pk])).status_code == 404


def test_an_approved_recommendation_becomes_a_proposed_clause_once(client, ministry):
    mou = draft(clauses=1)
    approved = RecommendationFactory(programme=mou.programme, approved=True,
                                     title="Newborn screening", summary="Screen newborns.")  # fmt: skip
    RecommendationFactory(programme=mou.programme, submitted=True, title="Still submitted")
    client.force_login(ministry)
    listing = html_of(client.get(reverse("mou:clause-list", args=[mou.pk])))
    page = html_of(client.get(reverse("mou:clause-from-recommendation", args=[mou.pk])))
    assert f'<option value="{approved.pk}">Newborn screening</option>' in page
    assert "Propose a clause from an approved recommendation" in listing
    assert "Newborn screening" in listing
    assert "Still submitted" not in listing

    response = client.post(
        reverse("mou:clause-from-recommendation", args=[mou.pk]), {"recommendation": approved.pk}
    )

    clause = mou.clauses.get(source_recommendation=approved)
    assert response.status_code == 302
    assert response["Location"] == reverse("mou:clause-update", args=[clause.pk])
    assert (clause.heading_en, clause.text_en, clause.lagging_language) == (
        "Newborn screening",
        "Screen newborns.",
        "zh",
    )
    again = client.post(
        reverse("mou:clause-from-recommendation", args=[mou.pk]), {"recommendation": approved.pk}
    )
    assert again.status_code == 400
    assert mou.clauses.filter(source_recommendation=approved).count() == 1


def test_the_clause_editor_costs_the_same_queries_for_10_and_100_clauses(
    client, ministry, django_assert_max_num_queries
):
    mou = MouFactory()
    area = PriorityAreaFactory(programme=mou.programme)
    recommendation = RecommendationFactory(programme=mou.programme, approved=True)
    client.force_login(ministry)
    url = reverse("mou:clause-list", args=[mou.pk])

    def make(n):
        start = mou.clauses.count()
        for i in range(n):
            clause = ClauseFactory(mou=mou, position=start + i + 1, lagging_language="zh",
                                   source_recommendation=recommendation)  # fmt: skip
            clause.priority_areas.add(area)
            clause.recommendations.add(recommendation)

    make(10)
    # +1 since clauses are out of step: the MoU's overrides (one query, however many clauses)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    make(90)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert html_of(response).count('data-testid="clause"') == 100


# Versions ---------------------------------------------------------------------------------------


def test_publishing_creates_the_next_numbered_version_with_its_note(client, ministry):
    mou = draft(clauses=2)
    mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    response = client.post(
        reverse("mou:version-publish", args=[mou.pk]), {"note": "Text for legal vetting"}
    )

    version = mou.versions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert (version.note, version.published_by) == ("Text for legal vetting", ministry)
    assert version.clauses.count() == 2
    listing = html_of(client.get(reverse("mou:version-list", args=[mou.pk])))
    assert "Text for legal vetting" in listing
    assert ministry.display_name in listing
    assert "Share version 2 with BGI" in listing


def test_nih_expert_cannot_publish_or_share(client, ministry, nih_expert):
    mou = draft()
    version = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(nih_expert)

    listing = html_of(client.get(reverse("mou:version-list", args=[mou.pk])))
    published = client.post(reverse("mou:version-publish", args=[mou.pk]), {"note": "x"})
    shared = client.post(reverse("mou:version-share", args=[mou.pk, version.number]))

    assert "Publish version" not in listing
    assert "Share version" not in listing
    assert (published.status_code, shared.status_code) == (403, 403)
    assert mou.versions.count() == 1
    version.refresh_from_db()
    assert version.is_shared_with_bgi is False


def test_an_empty_draft_cannot_be_published(client, ministry):
    mou = draft(clauses=0)
    client.force_login(ministry)

    response = client.post(reverse("mou:version-publish", args=[mou.pk]), {"note": ""})

    assert response.status_code == 400
    assert "The draft has no clauses to publish." in html_of(response)
    assert mou.versions.count() == 0


@pytest.mark.parametrize("status", list(S))
def test_the_publish_form_shows_exactly_where_the_service_accepts_a_version(
    client, ministry, status
):
    mou = draft(clauses=1, status=status, effective_on=timezone.localdate())
    client.force_login(ministry)

    offered = "version-publish-form" in html_of(
        client.get(reverse("mou:version-list", args=[mou.pk]))
    )
    try:
        mou_version_publish(mou=mou, actor=ministry)
        accepted = True
    except Conflict:
        accepted = False

    assert offered is accepted
    assert (status in PUBLISHABLE_STATUSES) is accepted


def test_publishing_in_text_agreed_answers_409(client, ministry):
    mou = draft(text_agreed=True)
    client.force_login(ministry)

    response = client.post(reverse("mou:version-publish", args=[mou.pk]), {"note": "late"})

    assert response.status_code == 409
    assert "Versions are published while the text is still being worked on." in html_of(response)
    assert mou.versions.count() == 0


def test_a_published_version_has_no_edit_controls_and_editing_the_draft_leaves_it_unchanged(
    client, ministry
):
    mou = draft(clauses=2)
    version = mou_version_publish(mou=mou, actor=ministry)
    clause = mou.clauses.get(position=1)
    client.force_login(ministry)

    page = html_of(client.get(version.get_absolute_url()))
    response = client.post(
        reverse("mou:clause-update", args=[clause.pk]),
        clause_form(clause, text_en="Rewritten after publishing.", heading_en="New heading"),
    )
    client.post(reverse("mou:clause-remove", args=[mou.clauses.get(position=2).pk]))

    assert response.status_code == 302
    assert "/mou/clauses/" not in page  # no edit, move or remove URL of any clause
    assert "Edit" not in page
    assert "Remove" not in page
    assert "Published text: it never changes." in page
    snapshots = list(version.clauses.order_by("position").values_list("heading_en", "text_en"))
    assert snapshots == [
        ("Heading 1", "The Parties shall cooperate on item 1."),
        ("Heading 2", "The Parties shall cooperate on item 2."),
    ]
    again = html_of(client.get(version.get_absolute_url()))
    assert "The Parties shall cooperate on item 1." in again
    assert "Rewritten after publishing." not in again


def test_the_admin_cannot_change_a_published_version_or_its_clauses(
    client, ministry, administrator
):
    mou = draft(clauses=1)
    version = mou_version_publish(mou=mou, actor=ministry)
    snapshot = version.clauses.get()
    client.force_login(administrator)
    change = reverse("admin:mou_mouversion_change", args=[version.pk])

    page = client.get(change)
    response = client.post(
        change,
        {
            "mou": mou.pk,
            "number": 7,
            "note": "edited in the admin",
            "is_shared_with_bgi": "on",
            "clauses-TOTAL_FORMS": "1",
            "clauses-INITIAL_FORMS": "1",
            "clauses-0-id": snapshot.pk,
            "clauses-0-heading_en": "Changed in admin",
            "_save": "Save",
        },
    )
    snapshot_change = client.get(f"/admin/mou/clausesnapshot/{snapshot.pk}/change/")

    assert page.status_code in (200, 403)
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    assert snapshot_change.status_code == 404
    version.refresh_from_db()
    snapshot.refresh_from_db()
    assert (version.number, version.note, version.is_shared_with_bgi) == (1, "", False)
    assert snapshot.heading_en == "Heading 1"
    with pytest.raises(ValueError, match="cannot change"):
        snapshot.save()


def test_ministry_shares_a_version_once(client, ministry):
    mou = draft()
    version = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)
    page = html_of(client.get(version.get_absolute_url()))
    url = reverse("mou:version-share", args=[mou.pk, version.number])

    first = client.post(url, {"confirmed": "1"})
    second = client.post(url, {"confirmed": "1"})

    assert "Share with BGI" in page
    assert "Download PDF" in page
    assert "export.docx" in page
    assert first.status_code == 302
    assert second.status_code == 409
    assert "already shared" in html_of(second)
    version.refresh_from_db()
    assert version.is_shared_with_bgi is True
    assert version.shared_at is not None


def test_the_version_list_costs_the_same_queries_for_10_and_200_versions(
    client, ministry, django_assert_max_num_queries
):
    mou = draft(clauses=1)
    client.force_login(ministry)
    url = reverse("mou:version-list", args=[mou.pk])

    def make(numbers):
        MouVersion.objects.bulk_create(
            MouVersion(mou=mou, number=n, note=f"v{n}", published_by=ministry) for n in numbers
        )

    make(range(1, 11))
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    make(range(11, 201))
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert html_of(response).count('data-testid="version-row"') == 200


# Comments and BGI -------------------------------------------------------------------------------


def test_bgi_sees_only_shared_versions_and_404_for_the_rest(client, ministry, bgi_liaison):
    mou, shared = shared_mou(ministry)
    unshared = mou_version_publish(mou=mou, actor=ministry, note="Internal only")
    client.force_login(bgi_liaison)

    listing = html_of(client.get(reverse("mou:version-list", args=[mou.pk])))
    missing = client.get(reverse("mou:version-detail", args=[mou.pk, 99]))
    hidden = client.get(reverse("mou:version-detail", args=[mou.pk, unshared.number]))
    diff = client.get(reverse("mou:version-diff", args=[mou.pk]), {"from": 1, "to": 2})
    comment = client.post(
        reverse("mou:comment-create", args=[mou.pk, unshared.number]),
        {"clause": unshared.clauses.first().pk, "body": "BGI comment"},
    )

    assert "Version 1" in listing
    assert "Version 2" not in listing
    assert "Internal only" not in listing
    assert "Review rounds" not in listing
    assert hidden.status_code == missing.status_code == 404
    assert diff.status_code == 404
    assert comment.status_code == 404
    assert client.get(shared.get_absolute_url()).status_code == 200
    assert ClauseComment.objects.count() == 0


def test_bgi_comment_is_marked_as_bgi_and_internal_comments_stay_hidden_from_bgi(
    client, ministry, nih_lead, bgi_liaison
):
    mou, version = shared_mou(ministry)
    clause = version.clauses.get(position=1)
    clause_comment_add(version=version, clause=clause, actor=nih_lead,
                       body="Internal: keep prior written approval.")  # fmt: skip
    clause_comment_add(version=version, clause=clause, actor=ministry,
                       body="Government answer for BGI.", visible_to_bgi=True)  # fmt: skip
    client.force_login(bgi_liaison)

    posted = client.post(
        reverse("mou:comment-create", args=[mou.pk, version.number]),
        {"clause": clause.pk, "body": "BGI proposes hosting in Pakistan."},
    )

    bgi_comment = ClauseComment.objects.get(author=bgi_liaison)
    assert posted.status_code == 302
    assert posted["Location"].endswith(f"#clause-{clause.pk}-comments")
    assert (bgi_comment.is_from_bgi, bgi_comment.is_visible_to_bgi) == (True, True)
    bgi_page = html_of(client.get(version.get_absolute_url()))
    assert "BGI proposes hosting in Pakistan." in bgi_page
    assert re.search(r'mou-party-bgi">BGI Group</span>\s*<strong>', bgi_page)
    assert "Government answer for BGI." in bgi_page
    assert "Internal: keep prior written approval." not in bgi_page
    assert nih_lead.display_name not in bgi_page
    assert ministry.display_name not in bgi_page
    assert 'name="visible_to_bgi"' not in bgi_page

    client.force_login(ministry)
    internal_page = html_of(client.get(version.get_absolute_url()))
    assert "Internal: keep prior written approval." in internal_page
    assert "Internal: not shown to BGI" in internal_page
    assert 'mou-party-bgi">BGI Group</span>' in internal_page
    assert 'name="visible_to_bgi"' in internal_page


def test_nih_comments_internally_and_may_make_a_comment_visible_to_bgi_only_once_shared(
    client, ministry, nih_expert
):
    mou = draft(clauses=1)
    version = mou_version_publish(mou=mou, actor=ministry)
    clause = version.clauses.get()
    client.force_login(nih_expert)
    url = reverse("mou:comment-create", args=[mou.pk, version.number])

    page = html_of(client.get(version.get_absolute_url()))
    client.post(url, {"clause": clause.pk, "body": "Before sharing.", "visible_to_bgi": "on"})
    mou_version_share(version=version, actor=ministry)
    shared_page = html_of(client.get(version.get_absolute_url()))
    client.post(url, {"clause": clause.pk, "body": "After sharing.", "visible_to_bgi": "on"})

    assert 'name="visible_to_bgi"' not in page
    assert 'name="visible_to_bgi"' in shared_page
    assert ClauseComment.objects.get(body="Before sharing.").is_visible_to_bgi is False
    assert ClauseComment.objects.get(body="After sharing.").is_visible_to_bgi is True


def test_an_empty_comment_or_a_clause_of_another_version_is_refused(client, ministry):
    mou = draft(clauses=1)
    first = mou_version_publish(mou=mou, actor=ministry)
    second = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)
    url = reverse("mou:comment-create", args=[mou.pk, second.number])

    empty = client.post(url, {"clause": second.clauses.get().pk, "body": ""})
    elsewhere = client.post(url, {"clause": first.clauses.get().pk, "body": "Wrong version"})

    assert empty.status_code == 400
    assert "is-invalid" in html_of(empty)
    assert elsewhere.status_code == 404
    assert ClauseComment.objects.count() == 0


# The difference between versions ----------------------------------------------------------------


@pytest.fixture
def two_versions(ministry):
    """Version 1 of five clauses; then clause 1's English changes, clause 3 is removed, clause 5
    moves above clause 4, a clause is added at the end; version 2."""
    mou = draft(clauses=5)
    old = mou_version_publish(mou=mou, actor=ministry)
    one, _two, three, _four, five = mou.clauses.order_by("position")
    clause_update(clause=one, actor=ministry, expected_version=one.version,
                  data=data_of(one, text_en="The Parties shall closely cooperate on item 1."))  # fmt: skip
    clause_remove(clause=three, actor=ministry)
    clause_move(clause=five, actor=ministry, position=3)
    Clause.objects.create(mou=mou, position=5, heading_en="Gene bank", text_en="A gene bank.",
                          heading_zh="基因库", text_zh="基因库。")  # fmt: skip
    # Clause 1's Chinese has not followed: the ministry goes on under an override.
    out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese follows in vetting.")
    new = mou_version_publish(mou=mou, actor=ministry)
    return mou, old, new


def test_the_diff_of_a_known_pair_shows_each_clause_kind_and_the_changed_words(
    client, ministry, two_versions
):
    mou, old, new = two_versions
    client.force_login(ministry)

    response = client.get(
        reverse("mou:version-diff", args=[mou.pk]), {"from": old.number, "to": new.number}
    )

    body = html_of(response)
    text = re.sub(r"\s+", " ", body)
    assert response.status_code == 200
    kinds = re.findall(r'data-testid="change"\s+data-kind="(\w+)"', body)
    assert kinds == ["changed", "unchanged", "moved", "moved", "added", "removed"]
    assert (
        'data-testid="diff-text_en">The Parties shall<ins class="diff-ins"> closely</ins> cooperate'
        in body
    )
    assert "Still clause 4; the clauses around it moved." in text
    assert '<del class="diff-del">' not in body.split("Clause 2: Heading 2")[0].split("Clause 1")[1]
    assert '<ins class="diff-ins">A gene bank.</ins>' in body
    assert '<ins class="diff-ins">基因库。</ins>' in body
    assert '<del class="diff-del">The Parties shall cooperate on item 3.</del>' in body
    assert "Was clause 5, now clause 3." in text
    assert "How differences are shown" in body
    assert re.search(r'<details[^>]*data-kind="unchanged">\s*<summary>', body)
    assert "Added: 1 · Removed: 1 · Moved: 2 · Changed: 1 · Unchanged: 1" in text


def test_the_diff_defaults_to_the_latest_two_versions(client, ministry, two_versions):
    mou, _old, _new = two_versions
    client.force_login(ministry)

    response = client.get(reverse("mou:version-diff", args=[mou.pk]))

    assert response.status_code == 200
    assert "Changes from version 1 to version 2" in html_of(response)


def test_the_diff_answers_400_for_a_number_that_is_not_one_and_404_for_an_unknown_version(
    client, ministry, two_versions
):
    mou, _old, _new = two_versions
    client.force_login(ministry)
    url = reverse("mou:version-diff", args=[mou.pk])

    assert client.get(url, {"from": "one", "to": 2}).status_code == 400
    assert client.get(url, {"from": 1, "to": "2.5"}).status_code == 400
    assert client.get(url, {"from": 1, "to": 9}).status_code == 404


def test_the_diff_with_a_single_version_says_there_is_nothing_to_compare(client, ministry):
    mou = draft(clauses=1)
    mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    response = client.get(reverse("mou:version-diff", args=[mou.pk]))

    assert response.status_code == 200
    assert "Only one version so far" in html_of(response)


def test_bgi_diffs_shared_versions(client, ministry, bgi_liaison, two_versions):
    mou, old, new = two_versions
    mou_version_share(version=old, actor=ministry)
    mou_version_share(version=new, actor=ministry)
    client.force_login(bgi_liaison)

    response = client.get(reverse("mou:version-diff", args=[mou.pk]), {"from": 1, "to": 2})

    assert response.status_code == 200
    assert '<ins class="diff-ins">A gene bank.</ins>' in html_of(response)


def test_the_tab_bar_gives_bgi_only_overview_and_versions(client, ministry, bgi_liaison):
    _mou, version = shared_mou(ministry)

    client.force_login(ministry)
    internal = html_of(client.get(version.get_absolute_url()))
    client.force_login(bgi_liaison)
    external = html_of(client.get(version.get_absolute_url()))

    for label in ("Overview", "Clauses", "Versions", "Reviews", "Signing", "Obligations"):
        assert f">{label}</a>" in internal
    tabs = external.split('aria-label="Sections of this MoU"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">(\w+)</a>", tabs) == ["Overview", "Versions"]
