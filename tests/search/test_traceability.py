"""Traceability: the chain priority area → recommendation → visit objective → MoU clause →
obligation → action item, on the page and in the API, both directions, internal only."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from delegations.models import Finding, TripReport
from search import traceability
from tests.factories import (
    ActionItemFactory,
    ClauseFactory,
    MeetingFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    VisitFactory,
)
from tests.search.factories import ObligationFactory, VisitObjectiveFactory

pytestmark = pytest.mark.django_db


def _link(item, record) -> None:
    item.linked_type = ContentType.objects.get_for_model(record)
    item.linked_id = record.pk
    item.save()


def _chain() -> dict:
    area = PriorityAreaFactory(name="Thalassemia")
    recommendation = RecommendationFactory(title="Carrier screening", priority_areas=[area])
    visit = VisitFactory(title="Shenzhen visit")
    objective = VisitObjectiveFactory(
        visit=visit, priority_area=area, recommendation=recommendation, text="See the lab"
    )
    clause = ClauseFactory(heading_en="Screening cooperation")
    clause.priority_areas.set([area])
    clause.recommendations.set([recommendation])
    obligation = ObligationFactory(mou=clause.mou, clause=clause, description="Train staff")
    item = ActionItemFactory(title="Book the trainers")
    _link(item, obligation)
    return {
        "area": area,
        "recommendation": recommendation,
        "visit": visit,
        "objective": objective,
        "clause": clause,
        "obligation": obligation,
        "item": item,
    }


def _kinds(groups) -> dict[str, list[int]]:
    return {group.kind: [item.id for item in group.items] for group in groups}


def _url(kind: str, pk: int) -> str:
    return reverse("search:trace", args=[kind, pk])


def test_clause_shows_where_it_comes_from_and_what_follows(ministry):
    c = _chain()

    graph = traceability.trace_for(viewer=ministry, obj=c["clause"])

    assert graph.record.kind == "clause"
    assert graph.record.title == f"{c['clause'].position}. Screening cooperation"
    assert _kinds(graph.upstream) == {
        "priority-area": [c["area"].pk],
        "recommendation": [c["recommendation"].pk],
        "visit-objective": [c["objective"].pk],
    }
    assert _kinds(graph.downstream) == {
        "obligation": [c["obligation"].pk],
        "action-item": [c["item"].pk],
    }


def test_the_whole_chain_from_either_end(ministry):
    c = _chain()

    down = traceability.trace_for(viewer=ministry, obj=c["area"])
    up = traceability.trace_for(viewer=ministry, obj=c["item"])

    assert _kinds(down.downstream) == {
        "recommendation": [c["recommendation"].pk],
        "visit-objective": [c["objective"].pk],
        "clause": [c["clause"].pk],
        "obligation": [c["obligation"].pk],
        "action-item": [c["item"].pk],
    }
    assert down.upstream == []
    assert _kinds(up.upstream) == {
        "priority-area": [c["area"].pk],
        "recommendation": [c["recommendation"].pk],
        "visit-objective": [c["objective"].pk],
        "clause": [c["clause"].pk],
        "obligation": [c["obligation"].pk],
    }
    assert up.downstream == []
    # Groups come in the chain's order.
    assert [group.kind for group in down.downstream] == [
        "recommendation",
        "visit-objective",
        "clause",
        "obligation",
        "action-item",
    ]


def test_the_trace_page_links_both_ways(client, ministry):
    c = _chain()
    client.force_login(ministry)

    response = client.get(_url("clause", c["clause"].pk))

    assert response.status_code == 200
    body = response.content.decode()
    upstream = body.split('data-testid="trace-upstream"')[1].split('data-testid="trace-record"')[0]
    record = body.split('data-testid="trace-record"')[1].split('data-testid="trace-downstream"')[0]
    downstream = body.split('data-testid="trace-downstream"')[1]
    assert f'href="{c["area"].get_absolute_url()}"' in upstream
    assert f'href="{_url("priority-area", c["area"].pk)}"' in upstream
    assert f'href="{c["recommendation"].get_absolute_url()}"' in upstream
    assert f'href="{c["visit"].get_absolute_url()}#objectives"' in upstream
    assert "See the lab" in upstream
    clause_url = reverse("mou:clause-list", args=[c["clause"].mou_id]) + f"#clause-{c['clause'].pk}"
    assert f'href="{clause_url}"' in record
    obligation_url = reverse("mou:obligation-list", args=[c["clause"].mou_id])
    assert f'href="{obligation_url}#obligation-{c["obligation"].pk}"' in downstream
    assert f'href="{c["item"].get_absolute_url()}"' in downstream
    assert f'href="{_url("action-item", c["item"].pk)}"' in downstream


def test_the_trace_api(api_as, nih_expert):
    c = _chain()

    response = api_as(nih_expert).get(f"/api/v1/trace/recommendation/{c['recommendation'].pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["record"]["kind"] == "recommendation"
    assert data["record"]["url"] == c["recommendation"].get_absolute_url()
    assert [(g["kind"], [i["id"] for i in g["items"]]) for g in data["upstream"]] == [
        ("priority-area", [c["area"].pk])
    ]
    assert [(g["kind"], [i["id"] for i in g["items"]]) for g in data["downstream"]] == [
        ("visit-objective", [c["objective"].pk]),
        ("clause", [c["clause"].pk]),
        ("obligation", [c["obligation"].pk]),
        ("action-item", [c["item"].pk]),
    ]
    item = data["downstream"][-1]["items"][0]
    assert item == {
        "kind": "action-item",
        "id": c["item"].pk,
        "title": "Book the trainers",
        "url": c["item"].get_absolute_url(),
        "status": "Open",
        "belongs_to": "",
        "trace_url": _url("action-item", c["item"].pk),
    }


def test_an_mou_leads_to_its_clauses_and_obligations(client, ministry):
    c = _chain()
    general = ObligationFactory(mou=c["clause"].mou, description="Report yearly")

    graph = traceability.trace_for(viewer=ministry, obj=c["clause"].mou)

    assert _kinds(graph.upstream) == {
        "priority-area": [c["area"].pk],
        "recommendation": [c["recommendation"].pk],
        "visit-objective": [c["objective"].pk],
    }
    downstream = _kinds(graph.downstream)
    assert downstream["clause"] == [c["clause"].pk]
    assert set(downstream["obligation"]) == {c["obligation"].pk, general.pk}
    assert downstream["action-item"] == [c["item"].pk]
    client.force_login(ministry)
    page = client.get(c["clause"].mou.get_absolute_url()).content.decode()
    assert f'href="{_url("mou", c["clause"].mou.pk)}"' in page


def test_trip_report_findings_and_meetings_are_followed(ministry):
    area = PriorityAreaFactory()
    visit = VisitFactory(title="Study tour")
    VisitObjectiveFactory(visit=visit, priority_area=area, recommendation=None)
    report = TripReport.objects.create(visit=visit)
    drafted = RecommendationFactory(title="From the tour", priority_areas=[area])
    follow_up = ActionItemFactory(title="Send samples")
    Finding.objects.create(report=report, text="x", recommendation=drafted)
    Finding.objects.create(report=report, text="y", action_item=follow_up)
    meeting = MeetingFactory(title="Review")
    from_meeting = ActionItemFactory(title="Minute it", meeting=meeting)

    graph = traceability.trace_for(viewer=ministry, obj=visit)
    assert _kinds(graph.upstream)["priority-area"] == [area.pk]
    assert _kinds(graph.downstream) == {
        "recommendation": [drafted.pk],
        "action-item": [follow_up.pk],
    }
    assert _kinds(traceability.trace_for(viewer=ministry, obj=drafted).upstream) == {
        "priority-area": [area.pk],
        "visit": [visit.pk],
    }
    assert _kinds(traceability.trace_for(viewer=ministry, obj=meeting).downstream) == {
        "action-item": [from_meeting.pk]
    }
    assert _kinds(traceability.trace_for(viewer=ministry, obj=from_meeting).upstream) == {
        "meeting": [meeting.pk]
    }


def test_archived_records_are_left_out(ministry):
    c = _chain()
    c["recommendation"].archived_at = timezone.now()
    c["recommendation"].save()
    c["item"].archived_at = timezone.now()
    c["item"].save()

    graph = traceability.trace_for(viewer=ministry, obj=c["clause"])

    assert "recommendation" not in _kinds(graph.upstream)
    assert "action-item" not in _kinds(graph.downstream)


def test_bgi_and_machine_accounts_get_404(client, api_as, bgi_liaison, api_client):
    c = _chain()
    c["visit"].is_shared_with_bgi = True
    c["visit"].save()
    for user in (bgi_liaison, api_client):
        client.force_login(user)
        assert client.get(_url("visit", c["visit"].pk)).status_code == 404
        assert client.get(_url("clause", c["clause"].pk)).status_code == 404
        assert api_as(user).get(f"/api/v1/trace/visit/{c['visit'].pk}/").status_code == 404
    assert APIClient().get(f"/api/v1/trace/visit/{c['visit'].pk}/").status_code == 401


def test_unknown_kinds_and_records_are_404(client, ministry):
    client.force_login(ministry)
    assert client.get(_url("user", 1)).status_code == 404
    assert client.get(_url("visit", 999999)).status_code == 404


def test_trace_link_on_detail_pages(client, ministry):
    c = _chain()
    meeting = MeetingFactory()
    client.force_login(ministry)
    pages = {
        c["area"].get_absolute_url(): _url("priority-area", c["area"].pk),
        c["recommendation"].get_absolute_url(): _url("recommendation", c["recommendation"].pk),
        c["visit"].get_absolute_url(): _url("visit", c["visit"].pk),
        c["item"].get_absolute_url(): _url("action-item", c["item"].pk),
        meeting.get_absolute_url(): _url("meeting", meeting.pk),
        c["clause"].mou.get_absolute_url(): _url("mou", c["clause"].mou.pk),
        reverse("mou:obligation-list", args=[c["clause"].mou.pk]): _url(
            "obligation", c["obligation"].pk
        ),
    }
    for page, trace in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'href="{trace}"' in response.content.decode(), page


def test_no_trace_link_for_bgi_on_a_shared_visit(client, bgi_liaison):
    visit = VisitFactory(shared=True)
    client.force_login(bgi_liaison)

    response = client.get(visit.get_absolute_url())

    assert response.status_code == 200
    assert "/search/trace/" not in response.content.decode()


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_trace_page_query_count_does_not_grow(client, ministry, django_assert_max_num_queries):
    c = _chain()
    client.force_login(ministry)
    url = _url("priority-area", c["area"].pk)
    client.get(url)
    few = _queries(lambda: client.get(url))
    for _n in range(4):
        recommendation = RecommendationFactory(priority_areas=[c["area"]])
        clause = ClauseFactory(mou=c["clause"].mou)
        clause.recommendations.set([recommendation])
        _link(ActionItemFactory(), ObligationFactory(mou=clause.mou, clause=clause))
        VisitObjectiveFactory(priority_area=c["area"], recommendation=recommendation)
    many = _queries(lambda: client.get(url))

    assert few == many
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
