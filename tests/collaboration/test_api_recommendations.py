"""The recommendations API: permissions, optimistic concurrency, workflow, versions and diff."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Recommendation, RecommendationComment, RecommendationTransition
from collaboration.services import (
    RecommendationData,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)
from collaboration.workflows import RECOMMENDATION_FLOW
from tests.factories import (
    CapabilityFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationCommentFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

R = Recommendation.Status


def detail_url(recommendation):
    return reverse("api:recommendation-detail", args=[recommendation.pk])


def transitions_url(recommendation):
    return reverse("api:recommendation-transitions", args=[recommendation.pk])


def comments_url(recommendation):
    return reverse("api:recommendation-comments", args=[recommendation.pk])


def if_match(recommendation):
    return {"HTTP_IF_MATCH": f'"{recommendation.version}"'}


# The permission matrix -------------------------------------------------------------------------

ACTIONS = ("list", "retrieve", "create", "update", "endorse", "comment")

# persona: expected status per action, in the order of ACTIONS
MATRIX = {
    "ministry": (200, 200, 403, 403, 403, 201),
    "approver": (200, 200, 403, 403, 403, 201),
    "nih_lead": (200, 200, 201, 200, 200, 201),
    "nih_expert": (200, 200, 201, 200, 403, 201),
    "bgi_liaison": (200, 404, 403, 404, 404, 404),
    "api_client": (200, 200, 403, 403, 403, 403),
    "administrator": (200, 200, 403, 403, 403, 403),
}


@pytest.fixture
def matrix_records(team, nih_expert):
    area = PriorityAreaFactory(slug="thalassemia", name="Thalassemia")
    draft = RecommendationFactory(title="Carrier screening", authors=[nih_expert],
                                  priority_areas=[area])  # fmt: skip
    in_review = RecommendationFactory(title="Newborn screening", team_review=True,
                                      authors=[nih_expert], priority_areas=[area])  # fmt: skip
    return {"area": area, "draft": draft, "in_review": in_review}


def _act(action, client, records):
    draft, in_review = records["draft"], records["in_review"]
    if action == "list":
        return client.get(reverse("api:recommendation-list"))
    if action == "retrieve":
        return client.get(detail_url(draft))
    if action == "create":
        return client.post(
            reverse("api:recommendation-list"),
            {"title": "Gene bank", "priority_areas": [records["area"].slug]},
        )
    if action == "update":
        return client.patch(detail_url(draft), {"title": "Edited", "note": "Title"},
                            **if_match(draft))  # fmt: skip
    if action == "endorse":
        return client.post(transitions_url(in_review), {"transition": "endorse"},
                           **if_match(in_review))  # fmt: skip
    if action == "comment":
        return client.post(comments_url(draft), {"body": "Noted."})
    raise AssertionError(action)


@pytest.mark.parametrize(
    ("persona_name", "action", "expected"),
    [
        (name, action, codes[index])
        for name, codes in MATRIX.items()
        for index, action in enumerate(ACTIONS)
    ],
)
def test_permission_matrix(api_as, persona, matrix_records, persona_name, action, expected):
    user = persona(persona_name)
    visible = MATRIX[persona_name][ACTIONS.index("retrieve")] == 200

    response = _act(action, api_as(user), matrix_records)

    assert response.status_code == expected, response.content
    # visible_to is the list-level twin of what the table says about reading
    assert Recommendation.objects.visible_to(user).exists() is visible
    if action == "list":
        titles = {row["title"] for row in response.json()["results"]}
        assert titles == ({"Carrier screening", "Newborn screening"} if visible else set())
    if expected >= 400:
        assert response.json()["error"]["code"] in {"permission_denied", "not_found"}
        draft, in_review = matrix_records["draft"], matrix_records["in_review"]
        draft.refresh_from_db()
        in_review.refresh_from_db()
        assert (draft.title, draft.version) == ("Carrier screening", 1)
        assert in_review.status == R.TEAM_REVIEW
        assert Recommendation.objects.count() == 2
        assert RecommendationComment.objects.count() == 0


def test_bgi_liaison_sees_no_recommendation_at_all(api_as, bgi_liaison):
    recommendation = RecommendationFactory(approved=True)
    client = api_as(bgi_liaison)

    listing = client.get(reverse("api:recommendation-list"))

    assert listing.json()["count"] == 0
    assert listing.json()["results"] == []
    for url in (
        detail_url(recommendation),
        reverse("api:recommendation-versions", args=[recommendation.pk]),
        transitions_url(recommendation),
        comments_url(recommendation),
        reverse("api:recommendation-diff", args=[recommendation.pk]) + "?from=1&to=1",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_api_client_reads_but_every_write_is_403(api_as, api_client, team):
    recommendation = RecommendationFactory(submitted=True)
    client = api_as(api_client)
    assert client.get(detail_url(recommendation)).status_code == 200

    writes = [
        client.put(detail_url(recommendation), {"title": "x", "priority_areas": []},
                   **if_match(recommendation)),
        client.patch(detail_url(recommendation), {"title": "x"}),
        client.post(transitions_url(recommendation), {"transition": "approve"}),
        client.post(comments_url(recommendation), {"body": "x"}),
        client.post(reverse("api:recommendation-list"), {"title": "x"}),
    ]  # fmt: skip

    assert [response.status_code for response in writes] == [403] * 5
    recommendation.refresh_from_db()
    assert recommendation.status == R.SUBMITTED
    assert recommendation.version == 1


# Reading ---------------------------------------------------------------------------------------


def test_detail_shows_the_recommendation_with_etag_and_available_transitions(
    api_as, team, nih_lead, nih_expert
):
    area = PriorityAreaFactory(slug="rare-diseases", name="Rare diseases")
    capability = CapabilityFactory(name="Whole-genome sequencing")
    recommendation = RecommendationFactory(
        title="Rare disease panel",
        body="Use **WGS**.<script>alert(1)</script>",
        team_review=True,
        authors=[nih_expert],
        priority_areas=[area],
        official_reference="F.1-2/2026",
    )
    recommendation.capabilities.set([capability])

    response = api_as(nih_lead).get(detail_url(recommendation))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["title"] == "Rare disease panel"
    assert body["status"] == "team_review"
    assert body["status_label"] == "In team review"
    assert (body["revision"], body["version"]) == (1, 1)
    assert body["official_reference"] == "F.1-2/2026"
    assert body["body_html"] == "<p>Use <strong>WGS</strong>.</p>"
    assert [a["username"] for a in body["authors"]] == ["nih_expert"]
    assert body["priority_areas"] == [{"slug": "rare-diseases", "name": "Rare diseases"}]
    assert body["capabilities"] == [{"id": capability.pk, "name": "Whole-genome sequencing"}]
    assert body["available_transitions"] == ["back_to_draft", "endorse"]


def test_list_rows_carry_the_callers_available_transitions(api_as, ministry, team):
    RecommendationFactory(title="Submitted one", submitted=True)
    RecommendationFactory(title="Draft one")

    rows = api_as(ministry).get(reverse("api:recommendation-list"), {"ordering": "title"})

    assert [(r["title"], r["available_transitions"]) for r in rows.json()["results"]] == [
        ("Draft one", []),
        ("Submitted one", ["approve", "return_for_revision", "reject"]),
    ]


def test_if_none_match_with_the_current_etag_answers_304(api_as, ministry):
    recommendation = RecommendationFactory()
    client = api_as(ministry)
    etag = client.get(detail_url(recommendation))["ETag"]

    response = client.get(detail_url(recommendation), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == '"1"'


def test_if_none_match_with_an_old_etag_gets_the_new_body(api_as, ministry, team, nih_expert):
    recommendation = RecommendationFactory(authors=[nih_expert])
    recommendation_transition(recommendation=recommendation, name="send_to_team_review",
                              actor=nih_expert, expected_version=1)  # fmt: skip

    response = api_as(ministry).get(detail_url(recommendation), HTTP_IF_NONE_MATCH='W/"1", "7"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["status"] == "team_review"


def test_unknown_recommendation_is_404_with_the_error_shape(api_as, ministry):
    response = api_as(ministry).get(reverse("api:recommendation-detail", args=[999999]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# Filters, search and ordering ------------------------------------------------------------------


@pytest.fixture
def catalogue(nih_expert, nih_expert2):
    thal = PriorityAreaFactory(slug="thalassemia")
    cancer = PriorityAreaFactory(slug="cancer-research")
    RecommendationFactory(
        title="Carrier screening",
        summary="Premarital tests.",
        body="Screen couples.",
        authors=[nih_expert],
        priority_areas=[thal],
    )
    RecommendationFactory(
        title="Tumour sequencing",
        summary="Hospital pilot.",
        body="Sequence **biopsies** at two centres.",
        submitted=True,
        authors=[nih_expert2],
        priority_areas=[cancer],
    )
    RecommendationFactory(
        title="Prenatal diagnosis",
        summary="Thalassemia major.",
        body="Offer CVS.",
        submitted=True,
        authors=[nih_expert, nih_expert2],
        priority_areas=[thal],
    )
    RecommendationFactory(title="Old idea", summary="Archived.", archived_at=timezone.now(),
                          authors=[nih_expert], priority_areas=[thal])  # fmt: skip


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, ["Carrier screening", "Prenatal diagnosis", "Tumour sequencing"]),
        ({"priority_area": "thalassemia"}, ["Carrier screening", "Prenatal diagnosis"]),
        ({"status": "submitted"}, ["Prenatal diagnosis", "Tumour sequencing"]),
        ({"author": "nih_expert2"}, ["Prenatal diagnosis", "Tumour sequencing"]),
        ({"author": "nih_expert", "status": "draft"}, ["Carrier screening"]),
        ({"search": "BIOPSIES"}, ["Tumour sequencing"]),
        ({"search": "thalassemia"}, ["Prenatal diagnosis"]),
        ({"search": "screen"}, ["Carrier screening"]),
        ({"archived": "true"}, ["Old idea"]),
        ({"priority_area": "nowhere"}, []),
    ],
)
def test_filters_and_search(api_as, ministry, catalogue, params, titles):
    response = api_as(ministry).get(
        reverse("api:recommendation-list"), {**params, "ordering": "title"}
    )

    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == titles


def test_ordering_by_title_descending(api_as, ministry, catalogue):
    response = api_as(ministry).get(reverse("api:recommendation-list"), {"ordering": "-title"})

    assert [row["title"] for row in response.json()["results"]] == [
        "Tumour sequencing",
        "Prenatal diagnosis",
        "Carrier screening",
    ]


def test_an_unknown_status_filter_is_400(api_as, ministry):
    response = api_as(ministry).get(reverse("api:recommendation-list"), {"status": "lost"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "status" in response.json()["error"]["fields"]


def test_list_filters_never_hide_a_detail(api_as, ministry):
    archived = RecommendationFactory(archived_at=timezone.now())

    response = api_as(ministry).get(detail_url(archived), {"status": "approved"})

    assert response.status_code == 200
    assert response.json()["archived_at"] is not None


# Creating and editing --------------------------------------------------------------------------


def test_team_member_creates_a_draft(api_as, team, nih_expert):
    area = PriorityAreaFactory(slug="gene-bank")
    capability = CapabilityFactory()

    response = api_as(nih_expert).post(
        reverse("api:recommendation-list"),
        {
            "title": "A national gene bank",
            "body": "Build it at NIH.",
            "estimated_cost_pkr": "1500000.00",
            "priority_areas": ["gene-bank"],
            "capabilities": [capability.pk],
        },
    )

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    created = Recommendation.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/recommendations/{created.pk}/"
    assert response.json()["status"] == "draft"
    assert response.json()["available_transitions"] == ["send_to_team_review"]
    assert created.title == "A national gene bank"
    assert created.estimated_cost_pkr == Decimal("1500000.00")
    assert list(created.priority_areas.all()) == [area]
    assert list(created.capabilities.all()) == [capability]
    assert list(created.authors.all()) == [nih_expert]
    assert created.versions.get().number == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"priority_areas": ["gene-bank"]}, "title"),
        ({"title": "No area"}, "priority_areas"),
        ({"title": "Empty areas", "priority_areas": []}, "priority_areas"),
        ({"title": "Unknown area", "priority_areas": ["atlantis"]}, "priority_areas"),
        ({"title": "Cost", "priority_areas": ["gene-bank"], "estimated_cost_pkr": "-1"},
         "estimated_cost_pkr"),
    ],
)  # fmt: skip
def test_create_with_bad_input_is_400_and_creates_nothing(api_as, team, nih_expert, payload,
                                                           field):  # fmt: skip
    PriorityAreaFactory(slug="gene-bank")

    response = api_as(nih_expert).post(reverse("api:recommendation-list"), payload)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert Recommendation.objects.count() == 0


def test_patch_changes_only_what_was_sent_and_keeps_a_new_version(api_as, team, nih_expert2,
                                                                   nih_expert):  # fmt: skip
    area = PriorityAreaFactory()
    recommendation = RecommendationFactory(title="Old", body="Kept body.", authors=[nih_expert],
                                           priority_areas=[area])  # fmt: skip

    response = api_as(nih_expert2).patch(
        detail_url(recommendation), {"title": "New", "note": "Better title"}, HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.body) == ("New", "Kept body.")
    assert (recommendation.version, recommendation.revision) == (2, 2)
    assert list(recommendation.priority_areas.all()) == [area]
    assert {a.username for a in recommendation.authors.all()} == {"nih_expert", "nih_expert2"}
    newest = recommendation.versions.get(number=2)
    assert (newest.title, newest.note) == ("New", "Better title")


def test_put_replaces_the_content(api_as, team, nih_expert):
    PriorityAreaFactory(slug="cancer-research")
    recommendation = RecommendationFactory(summary="Old summary", authors=[nih_expert])

    response = api_as(nih_expert).put(
        detail_url(recommendation),
        {"title": "Replaced", "priority_areas": ["cancer-research"], "note": "Rewritten"},
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.content
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.summary) == ("Replaced", "")
    assert [a.slug for a in recommendation.priority_areas.all()] == ["cancer-research"]


def test_put_without_the_required_fields_is_400(api_as, team, nih_expert):
    recommendation = RecommendationFactory(title="Kept")

    response = api_as(nih_expert).put(detail_url(recommendation), {"body": "x"},
                                      HTTP_IF_MATCH='"1"')  # fmt: skip

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "priority_areas", "note"}
    recommendation.refresh_from_db()
    assert recommendation.title == "Kept"


def test_two_editors_the_second_gets_412_and_the_first_edit_stays(api_as, team, nih_expert,
                                                                   nih_expert2):  # fmt: skip
    recommendation = RecommendationFactory(body="Original.", authors=[nih_expert])
    first, second = api_as(nih_expert), api_as(nih_expert2)
    etag_first = first.get(detail_url(recommendation))["ETag"]
    etag_second = second.get(detail_url(recommendation))["ETag"]
    assert etag_first == etag_second == '"1"'

    ok = first.patch(detail_url(recommendation), {"body": "First writer.", "note": "Body"},
                     HTTP_IF_MATCH=etag_first)  # fmt: skip
    late = second.patch(detail_url(recommendation), {"body": "Second writer."},
                        HTTP_IF_MATCH=etag_second)  # fmt: skip

    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert late.status_code == 412
    assert late.json()["error"]["code"] == "stale_version"
    assert late.json()["error"]["current_version"] == 2
    assert late["ETag"] == '"2"'
    recommendation.refresh_from_db()
    assert recommendation.body == "First writer."
    assert recommendation.version == 2
    assert recommendation.versions.count() == 2


def test_edit_without_if_match_is_428_and_changes_nothing(api_as, team, nih_expert):
    recommendation = RecommendationFactory(title="Kept")

    response = api_as(nih_expert).patch(detail_url(recommendation), {"title": "Lost"})

    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.version) == ("Kept", 1)


def test_editing_outside_draft_or_returned_is_409(api_as, team, nih_expert):
    recommendation = RecommendationFactory(title="Submitted", submitted=True)

    response = api_as(nih_expert).patch(detail_url(recommendation), {"title": "Changed"},
                                        HTTP_IF_MATCH='"1"')  # fmt: skip

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.version) == ("Submitted", 1)


def test_a_returned_recommendation_can_be_edited(api_as, team, nih_expert):
    recommendation = RecommendationFactory(returned=True)

    response = api_as(nih_expert).patch(detail_url(recommendation),
                                        {"title": "Revised", "note": "As asked"},
                                        HTTP_IF_MATCH='"1"')  # fmt: skip

    assert response.status_code == 200
    assert response.json()["title"] == "Revised"


# Every transition through the API --------------------------------------------------------------

# name: (from trait, allowed persona, target, wrong persona, wrong-state trait)
TRANSITIONS = {
    "send_to_team_review": ("draft", "nih_expert", R.TEAM_REVIEW, "ministry", "submitted"),
    "back_to_draft": ("team_review", "nih_expert", R.DRAFT, "approver", "draft"),
    "endorse": ("team_review", "nih_lead", R.ENDORSED, "nih_expert", "draft"),
    "submit_to_ministry": ("endorsed", "nih_lead", R.SUBMITTED, "nih_expert2", "team_review"),
    "approve": ("submitted", "ministry", R.APPROVED, "nih_lead", "endorsed"),
    "return_for_revision": ("submitted", "approver", R.RETURNED, "nih_expert", "approved"),
    "reject": ("submitted", "ministry", R.REJECTED, "administrator", "draft"),
    "reopen": ("returned", "nih_expert", R.DRAFT, "ministry", "draft"),
}


def _in_state(trait):
    return RecommendationFactory(**({} if trait == "draft" else {trait: True}))


def _post_transition(client, recommendation, name, **extra):
    return client.post(
        transitions_url(recommendation),
        {"transition": name, "comment": "Reason given.", **extra},
        **if_match(recommendation),
    )


def test_the_transition_table_is_covered():
    assert set(TRANSITIONS) == set(RECOMMENDATION_FLOW.transitions)


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_allowed_role_takes_the_transition(api_as, persona, team, name):
    source, allowed, target, _wrong, _state = TRANSITIONS[name]
    recommendation = _in_state(source)
    actor = persona(allowed)

    response = _post_transition(api_as(actor), recommendation, name)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == target
    assert response["ETag"] == '"2"'
    recommendation.refresh_from_db()
    assert recommendation.status == target
    log = RecommendationTransition.objects.get(subject=recommendation)
    assert (log.transition, log.from_status, log.to_status, log.actor, log.comment) == (
        name,
        source,
        target,
        actor,
        "Reason given.",
    )


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_from_the_wrong_state_is_409_and_nothing_changes(api_as, persona, team, name):
    _source, allowed, _target, _wrong, wrong_state = TRANSITIONS[name]
    recommendation = _in_state(wrong_state)

    response = _post_transition(api_as(persona(allowed)), recommendation, name)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (wrong_state, 1)
    assert not RecommendationTransition.objects.exists()


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_by_the_wrong_role_is_403_and_nothing_changes(api_as, persona, team, name):
    source, _allowed, _target, wrong, _state = TRANSITIONS[name]
    recommendation = _in_state(source)

    response = _post_transition(api_as(persona(wrong)), recommendation, name)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == (source, 1)
    assert not RecommendationTransition.objects.exists()


def test_submitting_records_the_ministry_reference(api_as, team, nih_lead):
    recommendation = RecommendationFactory(endorsed=True)

    response = _post_transition(api_as(nih_lead), recommendation, "submit_to_ministry",
                                official_reference="NIH/GEN/2026/14")  # fmt: skip

    assert response.status_code == 200
    assert response.json()["official_reference"] == "NIH/GEN/2026/14"
    recommendation.refresh_from_db()
    assert recommendation.official_reference == "NIH/GEN/2026/14"


def test_a_step_that_needs_a_comment_refuses_an_empty_one(api_as, ministry):
    recommendation = RecommendationFactory(submitted=True)

    response = api_as(ministry).post(transitions_url(recommendation), {"transition": "reject"},
                                     **if_match(recommendation))  # fmt: skip

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "comment_required"
    recommendation.refresh_from_db()
    assert recommendation.status == R.SUBMITTED


def test_a_stale_transition_is_412(api_as, ministry):
    recommendation = RecommendationFactory(submitted=True, version=3)

    response = api_as(ministry).post(transitions_url(recommendation), {"transition": "approve"},
                                     HTTP_IF_MATCH='"2"')  # fmt: skip

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "stale_version"
    recommendation.refresh_from_db()
    assert recommendation.status == R.SUBMITTED


def test_a_transition_without_if_match_is_428(api_as, ministry):
    recommendation = RecommendationFactory(submitted=True)

    response = api_as(ministry).post(transitions_url(recommendation), {"transition": "approve"})

    assert response.status_code == 428
    recommendation.refresh_from_db()
    assert recommendation.status == R.SUBMITTED


def test_an_unknown_transition_name_is_400(api_as, ministry):
    recommendation = RecommendationFactory(submitted=True)

    response = api_as(ministry).post(transitions_url(recommendation), {"transition": "publish"},
                                     **if_match(recommendation))  # fmt: skip

    assert response.status_code == 400
    assert "transition" in response.json()["error"]["fields"]


def test_transitions_lists_what_the_caller_may_do_and_the_history(api_as, team, nih_expert,
                                                                   nih_lead):  # fmt: skip
    recommendation = RecommendationFactory(authors=[nih_expert])
    recommendation_transition(recommendation=recommendation, name="send_to_team_review",
                              actor=nih_expert, comment="Ready.", expected_version=1)  # fmt: skip

    body = api_as(nih_lead).get(transitions_url(recommendation)).json()

    assert body["available"] == [
        {"name": "back_to_draft", "label": "Back to draft", "comment_required": True},
        {"name": "endorse", "label": "Endorse", "comment_required": False},
    ]
    [step] = body["history"]
    assert {k: step[k] for k in ("transition", "from_status", "to_status", "comment")} == {
        "transition": "send_to_team_review",
        "from_status": "draft",
        "to_status": "team_review",
        "comment": "Ready.",
    }
    assert step["actor"]["username"] == "nih_expert"
    assert step["created_at"]


# Versions, diff, comments ----------------------------------------------------------------------


@pytest.fixture
def two_versions(team, nih_expert, nih_expert2):
    area = PriorityAreaFactory()
    recommendation = recommendation_create(
        programme=ProgrammeFactory(),
        actor=nih_expert,
        data=RecommendationData(
            title="Carrier screening",
            body="Screen carriers in two districts.",
            priority_areas=[area],
        ),
    )
    return recommendation_update(
        recommendation=recommendation,
        actor=nih_expert2,
        expected_version=1,
        note="Wider scope",
        data=RecommendationData(
            title="Carrier screening",
            body="Screen carriers in four districts now.",
            priority_areas=[area],
        ),
    )


def test_versions_lists_every_saved_text_newest_first(api_as, ministry, two_versions):
    response = api_as(ministry).get(reverse("api:recommendation-versions", args=[two_versions.pk]))

    assert response.status_code == 200
    rows = response.json()
    assert [(r["number"], r["note"], r["created_by"]["username"]) for r in rows] == [
        (2, "Wider scope", "nih_expert2"),
        (1, "First draft", "nih_expert"),
    ]
    assert rows[0]["texts"]["body"] == "Screen carriers in four districts now."
    assert rows[1]["texts"]["body"] == "Screen carriers in two districts."
    assert rows[0]["created_at"]


def test_diff_returns_the_exact_word_operations(api_as, ministry, two_versions):
    response = api_as(ministry).get(
        reverse("api:recommendation-diff", args=[two_versions.pk]), {"from": 1, "to": 2}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["from_version"], body["to_version"]) == (1, 2)
    assert body["fields"]["body"] == [
        {"op": "equal", "text": "Screen carriers in "},
        {"op": "delete", "text": "two"},
        {"op": "insert", "text": "four"},
        {"op": "equal", "text": " districts"},
        {"op": "insert", "text": " now"},
        {"op": "equal", "text": "."},
    ]
    assert body["fields"]["title"] == [{"op": "equal", "text": "Carrier screening"}]
    assert body["fields"]["risks"] == []
    assert set(body["fields"]) == set(Recommendation.VERSIONED_FIELDS)


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"to": 2}, {"from"}),
        ({"from": 1}, {"to"}),
        ({}, {"from", "to"}),
        ({"from": "one", "to": 2}, {"from"}),
        ({"from": 1, "to": "2.5"}, {"to"}),
    ],
)
def test_diff_without_integer_versions_is_400(api_as, ministry, two_versions, params, fields):
    response = api_as(ministry).get(
        reverse("api:recommendation-diff", args=[two_versions.pk]), params
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == fields


def test_diff_of_a_missing_version_is_404(api_as, ministry, two_versions):
    response = api_as(ministry).get(
        reverse("api:recommendation-diff", args=[two_versions.pk]), {"from": 1, "to": 9}
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_comments_are_listed_oldest_first(api_as, api_client, ministry, nih_expert):
    recommendation = RecommendationFactory()
    RecommendationCommentFactory(recommendation=recommendation, author=ministry, body="First")
    RecommendationCommentFactory(recommendation=recommendation, author=nih_expert,
                                 body="Second <script>x</script>")  # fmt: skip

    response = api_as(api_client).get(comments_url(recommendation))

    assert response.status_code == 200
    assert [(c["author"]["username"], c["body"]) for c in response.json()] == [
        ("ministry", "First"),
        ("nih_expert", "Second <script>x</script>"),
    ]
    assert response.json()[1]["body_html"] == "<p>Second </p>"


def test_ministry_comments_on_a_recommendation(api_as, ministry):
    recommendation = RecommendationFactory(submitted=True)

    response = api_as(ministry).post(comments_url(recommendation), {"body": "Cost it, please."})

    assert response.status_code == 201
    assert response.json()["author"]["username"] == "ministry"
    comment = RecommendationComment.objects.get()
    assert (comment.recommendation, comment.author, comment.body) == (
        recommendation,
        ministry,
        "Cost it, please.",
    )


def test_an_empty_comment_is_400(api_as, ministry):
    recommendation = RecommendationFactory()

    response = api_as(ministry).post(comments_url(recommendation), {"body": "   "})

    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]
    assert not RecommendationComment.objects.exists()


def test_the_api_files_a_draft_under_its_areas_programme_and_refuses_two_programmes(
    api_as, team, nih_expert
):
    other = ProgrammeFactory(name="Another programme")
    PriorityAreaFactory(slug="gene-bank", programme=other)
    PriorityAreaFactory(slug="thalassemia")
    url = reverse("api:recommendation-list")

    mixed = api_as(nih_expert).post(
        url, {"title": "Mixed", "priority_areas": ["gene-bank", "thalassemia"]}
    )
    created = api_as(nih_expert).post(url, {"title": "Bank", "priority_areas": ["gene-bank"]})

    assert mixed.status_code == 400
    assert mixed.json()["error"]["fields"] == {
        "priority_areas": ["The priority areas must belong to one programme."]
    }
    assert created.status_code == 201
    assert created.json()["programme"] == other.pk
    assert Recommendation.objects.get().programme == other
