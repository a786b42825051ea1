"""Search: the results page, the API, visibility per role, Chinese text, ranking, query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal import policies
from search import selectors
from tests.factories import (
    ActionItemFactory,
    ClauseFactory,
    MeetingFactory,
    MouFactory,
    RecommendationFactory,
    VisitFactory,
)
from tests.search.factories import ClauseSnapshotFactory, MouVersionFactory

pytestmark = pytest.mark.django_db

WORD = "zebrafish"


def _everything_with(word: str) -> dict:
    """One record of each kind containing `word`, none of them shared with BGI."""
    mou = MouFactory(title="Genomics MoU")
    unshared = MouVersionFactory(mou=mou, number=1)
    return {
        "recommendation": RecommendationFactory(title=f"Use {word} models"),
        "visit": VisitFactory(title="Visit to Shenzhen", purpose=f"See the {word} facility."),
        "clause": ClauseFactory(mou=mou, heading_en="Research", text_en=f"Joint {word} work."),
        "snapshot": ClauseSnapshotFactory(version=unshared, text_en=f"Early {word} text."),
        "meeting": MeetingFactory(minutes=f"Discussed the {word} lab."),
        "action-item": ActionItemFactory(description=f"Write to BGI about {word}."),
    }


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("search:search"), params)


# Visibility -----------------------------------------------------------------------------------


def test_bgi_liaison_finds_only_the_shared_clause(client, bgi_liaison):
    records = _everything_with(WORD)
    shared_version = MouVersionFactory(mou=records["clause"].mou, number=2, shared=True)
    shared = ClauseSnapshotFactory(
        version=shared_version, heading_en="Shared research", text_en=f"The {WORD} programme."
    )

    response = _page(client, bgi_liaison, q=WORD)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Shared research" in body
    assert (
        reverse("mou:version-detail", args=[shared_version.mou_id, 2]) + (f"#clause-{shared.pk}")
        in body
    )
    for hidden in ("Use zebrafish models", "Visit to Shenzhen", "Early", "Discussed"):
        assert hidden not in body
    assert records["action-item"].title not in body
    assert records["meeting"].title not in body
    assert reverse("mou:clause-list", args=[records["clause"].mou_id]) not in body

    found = selectors.search(viewer=bgi_liaison, query=WORD)
    assert found.counts == {"visit": 0, "clause": 1}
    assert [hit.id for group in found.kinds for hit in group.hits] == [shared.pk]


def test_bgi_liaison_finds_a_shared_visit_but_never_its_internal_notes(client, bgi_liaison):
    VisitFactory(title="Shared trip", purpose=f"The {WORD} lab.", shared=True)
    VisitFactory(title="Notes only", internal_notes=f"{WORD} budget worries", shared=True)
    VisitFactory(title="Archived trip", purpose=WORD, shared=True, archived_at=timezone.now())

    found = selectors.search(viewer=bgi_liaison, query=WORD)

    assert [hit.title for group in found.kinds for hit in group.hits] == ["Shared trip"]


def test_bgi_liaison_finds_nothing_of_an_archived_mou(bgi_liaison):
    mou = MouFactory(archived_at=timezone.now())
    ClauseSnapshotFactory(version=MouVersionFactory(mou=mou, shared=True), text_en=WORD)

    assert selectors.search(viewer=bgi_liaison, query=WORD).total == 0


@pytest.mark.parametrize("name", ["ministry", "nih_lead", "nih_expert", "approver"])
def test_internal_people_find_every_kind(persona, name):
    records = _everything_with(WORD)

    found = selectors.search(viewer=persona(name), query=WORD)

    assert found.counts == {
        "recommendation": 1,
        "visit": 1,
        "clause": 1,  # the working draft; published snapshots are read on their version
        "meeting": 1,
        "action-item": 1,
        "cohort": 0,
        "agreement": 0,
        "transfer": 0,
    }
    ids = {group.kind: [hit.id for hit in group.hits] for group in found.kinds}
    assert ids["clause"] == [records["clause"].pk]
    assert ids["recommendation"] == [records["recommendation"].pk]


def test_internal_notes_are_found_by_internal_people(nih_expert):
    visit = VisitFactory(title="Plain visit", internal_notes=f"Ask about the {WORD} tanks.")

    found = selectors.search(viewer=nih_expert, query=WORD, kind="visit")

    assert [hit.id for hit in found.kinds[0].hits] == [visit.pk]


def test_archived_records_are_left_out(ministry):
    now = timezone.now()
    RecommendationFactory(title=f"Old {WORD}", archived_at=now)
    MeetingFactory(title=f"Old {WORD}", archived_at=now)
    ActionItemFactory(title=f"Old {WORD}", archived_at=now)
    VisitFactory(title=f"Old {WORD}", archived_at=now)
    ClauseFactory(heading_en=f"Removed {WORD}", archived_at=now)
    ClauseFactory(heading_en=f"Archived MoU {WORD}", mou=MouFactory(archived_at=now))

    assert selectors.search(viewer=ministry, query=WORD).total == 0


def test_machine_accounts_and_strangers_cannot_search(client, api_client, persona):
    assert _page(client, api_client, q=WORD).status_code == 404
    client.logout()
    response = client.get(reverse("search:search"), {"q": WORD})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# Matching and ranking -----------------------------------------------------------------------


def test_finds_english_clause_text_by_word_stem(ministry):
    clause = ClauseFactory(text_en="BGI shall support newborn screening programmes.")

    # PostgreSQL stems English words; the icontains fallback (SQLite) matches them as typed.
    query = "screened programme" if connection.vendor == "postgresql" else "screening programmes"
    found = selectors.search(viewer=ministry, query=query, kind="clause")

    assert [hit.id for hit in found.kinds[0].hits] == [clause.pk]
    assert "<mark>" in str(found.kinds[0].hits[0].snippet)


def test_finds_chinese_clause_text(client, ministry, bgi_liaison):
    clause = ClauseFactory(heading_zh="基因库", text_zh="双方将共同建设国家基因库。")
    other = ClauseFactory(mou=clause.mou, text_zh="双方应开展合作。")
    shared = ClauseSnapshotFactory(
        version=MouVersionFactory(mou=clause.mou, shared=True), text_zh="共建国家基因库"
    )

    response = _page(client, ministry, q="国家基因库")

    assert response.status_code == 200
    body = response.content.decode()
    assert f"#clause-{clause.pk}" in body
    assert f"#clause-{other.pk}" not in body
    assert "<mark>国家基因库</mark>" in body
    found = selectors.search(viewer=bgi_liaison, query="基因库")
    assert [hit.id for group in found.kinds for hit in group.hits] == [shared.pk]


def test_one_chinese_character_is_enough(ministry):
    ClauseFactory(text_zh="基因")

    found = selectors.search(viewer=ministry, query="基")

    assert not found.too_short
    assert found.counts["clause"] == 1


def test_a_title_match_comes_first(ministry):
    body_heavy = RecommendationFactory(
        title="Carrier screening",
        summary=f"{WORD} {WORD} {WORD}",
        body=f"{WORD} " * 20,
        rationale=f"{WORD} models",
    )
    titled = RecommendationFactory(title=f"{WORD.capitalize()} models", body="Short.")

    hits = selectors.search(viewer=ministry, query=WORD, kind="recommendation").kinds[0].hits

    assert [hit.id for hit in hits] == [titled.pk, body_heavy.pk]


def test_every_word_must_match_and_minus_leaves_out(ministry):
    both = MeetingFactory(title="Thalassemia screening review")
    MeetingFactory(title="Thalassemia budget")

    hits = selectors.search(viewer=ministry, query="thalassemia screening", kind="meeting")
    assert [hit.id for hit in hits.kinds[0].hits] == [both.pk]
    hits = selectors.search(viewer=ministry, query="thalassemia -screening", kind="meeting")
    assert [hit.title for hit in hits.kinds[0].hits] == ["Thalassemia budget"]


def test_snippets_are_escaped(client, ministry):
    MeetingFactory(title="Safe", minutes=f"<script>alert(1)</script> the {WORD} lab of R&D")

    body = _page(client, ministry, q=WORD).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "R&amp;D" in body
    assert f"<mark>{WORD}</mark>" in body


def test_the_excerpt_fallback_escapes_and_marks():
    snippet = selectors._excerpt(["a <b> & " + "x" * 200 + " Zebrafish tail"], ["zebrafish"])

    assert "<mark>Zebrafish</mark>" in snippet
    assert snippet.startswith("…")
    assert "<b>" not in snippet


@pytest.mark.parametrize("query", [WORD, "斑马鱼"])
def test_snippets_show_the_text_without_markdown_markup(client, ministry, query):
    RecommendationFactory(
        title="Models",
        body=f"Use **{query} models** in the [sequencing lab](https://nih.example) for _x_ # 2",
    )

    body = _page(client, ministry, q=query).content.decode()

    snippet = body.split("portal-search-snippet", 1)[1].split("</p>", 1)[0]
    assert f"<mark>{query}</mark> models" in snippet
    assert "sequencing lab" in snippet
    assert "**" not in snippet
    assert "](" not in snippet


# The results page ---------------------------------------------------------------------------


def test_empty_and_short_queries_get_a_helpful_message(client, ministry):
    response = _page(client, ministry)
    assert response.status_code == 200
    assert "Type a few words" in response.content.decode()

    response = _page(client, ministry, q="a")
    assert "Type at least 2 characters" in response.content.decode()


def test_results_are_grouped_with_counts_and_a_more_link(client, ministry):
    for n in range(7):
        ActionItemFactory(title=f"{WORD} task {n}")
    MeetingFactory(title=f"{WORD} meeting")

    response = _page(client, ministry, q=WORD)

    body = response.content.decode()
    assert response.status_code == 200
    assert "8 results for" in body
    assert body.count(f"{WORD} task") == selectors.OVERVIEW_LIMIT
    assert "All 7 results in Action items" in body
    assert f"?q={WORD}&amp;kind=action-item" in body
    assert 'id="results-meeting"' in body
    assert 'id="results-visit"' not in body  # kinds without results are not shown


def test_kind_filter_pages_through_one_kind(client, ministry, settings):
    for n in range(selectors.PAGE_SIZE + 3):
        ActionItemFactory(title=f"{WORD} task {n:02d}")
    MeetingFactory(title=f"{WORD} meeting")

    first = _page(client, ministry, q=WORD, kind="action-item")
    second = _page(client, ministry, q=WORD, kind="action-item", page=2)

    assert first.status_code == second.status_code == 200
    assert first.content.decode().count(f"{WORD} task") == selectors.PAGE_SIZE
    assert second.content.decode().count(f"{WORD} task") == 3
    assert 'id="results-meeting"' not in first.content.decode()
    assert f"{WORD} meeting" not in first.content.decode()
    assert "Showing 21–23 of 23" in second.content.decode()
    assert _page(client, ministry, q=WORD, kind="action-item", page=9).status_code == 404


def test_bgi_liaison_cannot_filter_to_internal_kinds(client, bgi_liaison):
    RecommendationFactory(title=f"{WORD} plan")

    response = _page(client, bgi_liaison, q=WORD, kind="recommendation")

    assert response.status_code == 200
    assert f"{WORD} plan" not in response.content.decode()
    assert 'value="recommendation"' not in response.content.decode()


def test_the_nav_search_box_is_there_for_people_who_may_search(client, ministry, bgi_liaison):
    client.force_login(ministry)
    body = client.get(reverse("home")).content.decode()
    assert 'role="search"' in body
    assert f'action="{reverse("search:search")}"' in body
    assert '<label class="visually-hidden" for="nav-search-q">' in body

    client.force_login(bgi_liaison)
    assert 'id="nav-search-q"' in client.get(reverse("home")).content.decode()


def test_no_nav_search_box_for_machine_accounts(client, api_client):
    client.force_login(api_client)
    assert 'id="nav-search-q"' not in client.get(reverse("home")).content.decode()


# Query count --------------------------------------------------------------------------------


def _count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_one_query_per_kind_whatever_the_data(client, ministry):
    client.force_login(ministry)
    url = reverse("search:search")
    _everything_with(WORD)
    client.get(url, {"q": WORD})  # warm caches (session, content types)
    few = _count_queries(lambda: client.get(url, {"q": WORD}))
    for _n in range(6):
        _everything_with(WORD)
    many = _count_queries(lambda: client.get(url, {"q": WORD}))

    assert few == many
    policies.role_names(ministry)  # the roles are read once per request
    assert _count_queries(lambda: selectors.search(viewer=ministry, query=WORD)) == len(
        selectors.KINDS
    )


def test_search_page_query_guard(client, ministry, django_assert_max_num_queries):
    for _n in range(5):
        _everything_with(WORD)
    client.force_login(ministry)
    with django_assert_max_num_queries(len(selectors.KINDS) + 8):
        response = client.get(reverse("search:search"), {"q": WORD})
    assert response.status_code == 200


# The API ------------------------------------------------------------------------------------


def test_api_shape(api_as, ministry):
    records = _everything_with(WORD)

    response = api_as(ministry).get("/api/v1/search/", {"q": WORD})

    assert response.status_code == 200
    data = response.json()
    assert data["counts"] == {
        "recommendation": 1,
        "visit": 1,
        "clause": 1,
        "meeting": 1,
        "action-item": 1,
        "cohort": 0,
        "agreement": 0,
        "transfer": 0,
    }
    assert {tuple(sorted(row)) for row in data["results"]} == {
        ("id", "kind", "snippet", "title", "url")
    }
    by_kind = {row["kind"]: row for row in data["results"]}
    assert by_kind["recommendation"] == {
        "kind": "recommendation",
        "id": records["recommendation"].pk,
        "title": "Use zebrafish models",
        "snippet": by_kind["recommendation"]["snippet"],
        "url": records["recommendation"].get_absolute_url(),
    }
    assert WORD in by_kind["meeting"]["snippet"]
    assert "<mark>" not in by_kind["meeting"]["snippet"]


def test_api_kind_filter_and_limit(api_as, ministry):
    for n in range(4):
        ActionItemFactory(title=f"{WORD} {n}")
    MeetingFactory(title=WORD)

    data = (
        api_as(ministry)
        .get("/api/v1/search/", {"q": WORD, "kind": "action-item", "limit": 2})
        .json()
    )

    assert data["counts"] == {"action-item": 4}
    assert len(data["results"]) == 2
    assert {row["kind"] for row in data["results"]} == {"action-item"}


def test_api_applies_the_same_visibility(api_as, bgi_liaison):
    records = _everything_with(WORD)
    version = MouVersionFactory(mou=records["clause"].mou, number=2, shared=True)
    shared = ClauseSnapshotFactory(version=version, text_en=f"The {WORD} programme.")

    data = api_as(bgi_liaison).get("/api/v1/search/", {"q": WORD}).json()

    assert data["counts"] == {"visit": 0, "clause": 1}
    assert [(row["kind"], row["id"]) for row in data["results"]] == [("clause", shared.pk)]


def test_api_permissions_and_bad_input(api_as, api_client, ministry):
    assert APIClient().get("/api/v1/search/", {"q": WORD}).status_code == 401
    assert api_as(api_client).get("/api/v1/search/", {"q": WORD}).status_code == 403
    client = api_as(ministry)
    short = client.get("/api/v1/search/", {"q": "a"})
    assert short.status_code == 400
    assert "q" in str(short.json())
    assert client.get("/api/v1/search/").status_code == 400
    assert client.get("/api/v1/search/", {"q": WORD, "kind": "user"}).status_code == 400


def test_api_query_guard(api_as, ministry, django_assert_max_num_queries):
    for _n in range(5):
        _everything_with(WORD)
    client = api_as(ministry)
    client.get("/api/v1/search/", {"q": WORD})
    with django_assert_max_num_queries(len(selectors.KINDS) + 8):
        assert client.get("/api/v1/search/", {"q": WORD}).status_code == 200
