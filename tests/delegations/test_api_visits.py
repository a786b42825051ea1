"""The delegations API: who sees which shape of a visit, the workflow, ETags, the calendar,
sites, filters and query counts."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import icalendar
import pytest
from django.urls import reverse

from delegations.models import Visit, VisitTransition
from delegations.services import (
    ItineraryData,
    budget_line_add,
    itinerary_item_add,
    logistics_task_add,
    objective_add,
    visit_transition,
)
from tests.factories import (
    CapabilityFactory,
    DelegationMemberFactory,
    ItineraryItemFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    SiteFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

V = Visit.Status
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INTERNAL_NOTES = "Minister wants a gene-bank answer before the visit."
ITEM_NOTES = "Bring the sequencing cost sheet (do not share)."


def detail_url(visit):
    return reverse("api:visit-detail", args=[visit.pk])


def transitions_url(visit):
    return reverse("api:visit-transitions", args=[visit.pk])


def calendar_url(visit):
    return reverse("api:visit-calendar", args=[visit.pk])


def if_match(visit):
    visit.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{visit.version}"'}


@pytest.fixture
def full_visit(ministry):
    """A shared visit with two members, an objective, two overlapping items, budget and
    logistics, built through the services where they exist."""
    visit = VisitFactory(
        title="Delegation to Shenzhen",
        purpose="See BGI's sequencing platforms.",
        destination="Shenzhen, China",
        internal_notes=INTERNAL_NOTES,
        official_reference="F.No. 3-7/2026-IHR",
        shared=True,
    )
    head = DelegationMemberFactory(
        visit=visit,
        name="Dr Farah Khan",
        role="head",
        organisation="NIH",
        email="farah@nih.example",
        passport_expires_on=dt.date(2027, 3, 1),  # not six months past the return on 15 Jan
        visa_applied_on=dt.date(2026, 12, 1),
    )
    DelegationMemberFactory(
        visit=visit,
        name="Mr Ali Raza",
        organisation="MoNHSR&C",
        passport_expires_on=dt.date(2030, 1, 1),
        visa_applied_on=dt.date(2026, 12, 1),
        visa_issued_on=dt.date(2026, 11, 10),  # dates already past: steps done
        travel_approval_on=dt.date(2026, 11, 11),
        tickets_issued_on=dt.date(2026, 11, 12),
        insurance_on=dt.date(2026, 11, 13),
    )
    area = PriorityAreaFactory(slug="thalassemia", name="Thalassemia")
    recommendation = RecommendationFactory(priority_areas=[area])
    objective_add(
        visit=visit,
        actor=ministry,
        priority_area=area,
        recommendation=recommendation,
        text="Agree a carrier-screening pilot.",
    )
    site = SiteFactory(name="China National GeneBank", city="Shenzhen")
    ItineraryItemFactory(
        visit=visit, site=site, title="Lab tour", notes=ITEM_NOTES, attendees=[head]
    )
    ItineraryItemFactory(
        visit=visit,
        site=site,
        title="Protocol meeting",
        starts_at=dt.datetime(2027, 1, 12, 2, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 1, 12, 4, 0, tzinfo=dt.UTC),
        attendees=[head],
    )
    budget_line_add(
        visit=visit, actor=ministry, category="airfare", estimated_pkr=Decimal("987654")
    )
    logistics_task_add(visit=visit, actor=ministry, title="Book hotel", due_on=dt.date(2020, 1, 1))
    visit.refresh_from_db()
    return visit


# Who sees which shape --------------------------------------------------------------------------

SHARED_KEYS = {
    "id", "title", "status", "status_label", "starts_on", "ends_on", "destination", "purpose",
}  # fmt: skip
INTERNAL_ONLY_KEYS = {
    "members",
    "readiness",
    "budget",
    "logistics",
    "internal_notes",
    "invitation",
    "official_reference",
    "travel_approval_reference",
    "responsible_officer",
    "available_transitions",
    "is_shared_with_bgi",
}


def test_bgi_lists_only_shared_visits_in_the_reduced_shape(api_as, bgi_liaison):
    VisitFactory(title="Shared visit", shared=True, internal_notes=INTERNAL_NOTES)
    VisitFactory(title="Internal visit")

    response = api_as(bgi_liaison).get(reverse("api:visit-list"))

    rows = response.json()["results"]
    assert response.status_code == 200
    assert [row["title"] for row in rows] == ["Shared visit"]
    assert set(rows[0]) == SHARED_KEYS


def test_bgi_gets_the_shared_visit_without_members_budget_or_internal_notes(
    api_as, bgi_liaison, full_visit
):
    response = api_as(bgi_liaison).get(detail_url(full_visit))

    body = response.json()
    assert response.status_code == 200
    assert set(body) == SHARED_KEYS | {"objectives", "itinerary"}
    assert not INTERNAL_ONLY_KEYS & set(body)
    assert body["objectives"] == [
        {
            "id": full_visit.objectives.get().pk,
            "priority_area": "thalassemia",
            "text": "Agree a carrier-screening pilot.",
            "position": 0,
        }
    ]
    assert [item["title"] for item in body["itinerary"]] == ["Lab tour", "Protocol meeting"]
    assert "notes" not in body["itinerary"][0]
    assert "clashes" not in body["itinerary"][0]
    text = response.content.decode()
    for secret in (INTERNAL_NOTES, ITEM_NOTES, "987654", "F.No. 3-7", "farah@nih.example"):
        assert secret not in text


def test_bgi_gets_404_for_an_unshared_visit_and_for_the_workflow_of_a_shared_one(
    api_as, bgi_liaison, full_visit
):
    unshared = VisitFactory()
    client = api_as(bgi_liaison)

    responses = [
        client.get(detail_url(unshared)),
        client.get(calendar_url(unshared)),
        client.get(transitions_url(unshared)),
        client.get(transitions_url(full_visit)),
        client.post(transitions_url(full_visit), {"transition": "cancel", "comment": "x"},
                    **if_match(full_visit)),
    ]  # fmt: skip

    assert [r.status_code for r in responses] == [404] * 5
    assert {r.json()["error"]["code"] for r in responses} == {"not_found"}
    full_visit.refresh_from_db()
    assert full_visit.status == V.PROPOSED


def test_api_client_reads_readiness_but_not_internal_notes_budget_or_logistics(
    api_as, api_client, full_visit
):
    response = api_as(api_client).get(detail_url(full_visit))

    body = response.json()
    assert response.status_code == 200
    assert {"members", "readiness", "itinerary", "objectives", "status"} <= set(body)
    assert not {"internal_notes", "budget", "logistics"} & set(body)
    assert "notes" not in body["itinerary"][0]
    assert INTERNAL_NOTES not in response.content.decode()
    assert body["readiness"]["member_count"] == 2


def test_api_client_gets_403_on_a_transition_and_nothing_changes(api_as, api_client):
    visit = VisitFactory()

    response = api_as(api_client).post(
        transitions_url(visit), {"transition": "cancel", "comment": "No."}, **if_match(visit)
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (V.PROPOSED, 1)


def test_ministry_gets_the_internal_detail_with_readiness_itinerary_budget_and_logistics(
    api_as, ministry, full_visit
):
    response = api_as(ministry).get(detail_url(full_visit))

    body = response.json()
    assert response.status_code == 200
    assert response["ETag"] == f'"{full_visit.version}"'
    assert body["internal_notes"] == INTERNAL_NOTES
    assert body["official_reference"] == "F.No. 3-7/2026-IHR"
    assert body["budget"] == {"estimated_pkr": "987654.00", "actual_pkr": "0.00"}
    assert body["logistics"] == {"total": 1, "done": 0, "overdue": 1}
    assert body["available_transitions"] == ["postpone", "cancel"]
    assert body["objectives"][0]["recommendation"] == full_visit.objectives.get().recommendation_id
    head, other = body["members"]
    assert (head["name"], head["role"], head["organisation"]) == ("Dr Farah Khan", "head", "NIH")
    assert {c["key"]: c["ok"] for c in head["checks"]} == {
        "passport": False, "visa_applied": True, "visa_issued": False,
        "travel_approval": False, "tickets": False, "insurance": False,
    }  # fmt: skip
    assert (head["is_ready"], other["is_ready"]) == (False, True)
    assert body["readiness"]["ready_count"] == 1
    assert body["readiness"]["is_ready"] is False
    assert body["readiness"]["blockers"][0] == (
        "Dr Farah Khan: The passport must be valid until six months after the return date."
    )
    assert "Dr Farah Khan: Visa issued" in body["readiness"]["blockers"]


def test_no_shape_carries_e_mail_addresses_or_the_dates_behind_the_checks(
    api_as, ministry, api_client, full_visit
):
    for user in (ministry, api_client):
        text = api_as(user).get(detail_url(full_visit)).content.decode()

        assert "farah@nih.example" not in text
        assert "2027-03-01" not in text  # the passport's expiry
        assert "2026-12-01" not in text  # the visa application
        assert "email" not in text
        assert "passport_expires_on" not in text


def test_itinerary_items_carry_utc_times_the_place_zone_and_wall_clock_times_and_clashes(
    api_as, ministry, full_visit
):
    body = api_as(ministry).get(detail_url(full_visit)).json()

    tour, meeting = body["itinerary"]
    assert tour["starts_at"] == "2027-01-12T01:00:00Z"
    assert tour["ends_at"] == "2027-01-12T03:00:00Z"
    assert tour["timezone"] == "Asia/Shanghai"
    assert tour["local_start"] == "2027-01-12T09:00:00+08:00"
    assert tour["local_end"] == "2027-01-12T11:00:00+08:00"
    assert tour["site"]["name"] == "China National GeneBank"
    assert [a["name"] for a in tour["attendees"]] == ["Dr Farah Khan"]
    assert tour["notes"] == ITEM_NOTES
    assert tour["clashes"] == ["Dr Farah Khan is also at “Protocol meeting”."]
    assert meeting["clashes"] == ["Dr Farah Khan is also at “Lab tour”."]


# ETag -------------------------------------------------------------------------------------------


def test_detail_answers_304_to_the_current_etag_and_200_once_the_itinerary_changed(
    api_as, ministry, full_visit
):
    client = api_as(ministry)
    etag = client.get(detail_url(full_visit))["ETag"]

    unchanged = client.get(detail_url(full_visit), HTTP_IF_NONE_MATCH=etag)
    itinerary_item_add(
        visit=full_visit,
        actor=ministry,
        data=ItineraryData(
            title="Dinner",
            starts=dt.datetime(2027, 1, 12, 19, 0, tzinfo=SHANGHAI),
            ends=dt.datetime(2027, 1, 12, 21, 0, tzinfo=SHANGHAI),
        ),
    )
    changed = client.get(detail_url(full_visit), HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Dinner" in [item["title"] for item in changed.json()["itinerary"]]


def test_a_new_budget_line_changes_the_etag_of_the_visit(api_as, ministry, full_visit):
    client = api_as(ministry)
    etag = client.get(detail_url(full_visit))["ETag"]

    budget_line_add(visit=full_visit, actor=ministry, category="visa", estimated_pkr=Decimal("100"))
    response = client.get(detail_url(full_visit), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["budget"]["estimated_pkr"] == "987754.00"


# Transitions ------------------------------------------------------------------------------------


def test_transitions_list_the_callers_steps_and_the_history(api_as, ministry):
    visit = VisitFactory(invitation_received=True)
    visit_transition(visit=visit, name="postpone", actor=ministry, comment="Visa delays.")
    visit_transition(visit=visit, name="resume", actor=ministry)

    response = api_as(ministry).get(transitions_url(visit))

    body = response.json()
    assert response.status_code == 200
    # Recording the invitation carries a letter: it is done in the pages, not offered here.
    assert [step["name"] for step in body["available"]] == ["postpone", "cancel"]
    assert body["available"][0] == {"name": "postpone", "label": "Postpone",
                                    "comment_required": True}  # fmt: skip
    assert [(h["transition"], h["from_status"], h["to_status"]) for h in body["history"]] == [
        ("postpone", "invitation_received", "postponed"),
        ("resume", "postponed", "proposed"),
    ]
    assert body["history"][0]["from_label"] == "Invitation received"
    assert body["history"][0]["comment"] == "Visa delays."
    assert body["history"][0]["actor"]["username"] == "ministry"


def test_ministry_approves_with_the_travel_approval_reference(api_as, ministry):
    visit = VisitFactory(invitation_received=True)

    response = api_as(ministry).post(
        transitions_url(visit),
        {"transition": "approve", "travel_approval_reference": "NOC-77"},
        **if_match(visit),
    )

    visit.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response["ETag"] == f'"{visit.version}"'
    assert (visit.status, visit.travel_approval_reference) == (V.APPROVED, "NOC-77")
    assert VisitTransition.objects.get(subject=visit).actor == ministry


def test_approval_without_the_travel_reference_is_a_400_and_nothing_changes(api_as, ministry):
    visit = VisitFactory(invitation_received=True)

    response = api_as(ministry).post(
        transitions_url(visit), {"transition": "approve"}, **if_match(visit)
    )

    assert response.status_code == 400
    assert "travel_approval_reference" in response.json()["error"]["fields"]
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (V.INVITATION_RECEIVED, 1)


@pytest.mark.parametrize(
    ("status", "transition", "code"),
    [
        (V.PROPOSED, "record_invitation", "transition_needs_data"),
        (V.PROPOSED, "depart", "transition_not_allowed"),
        (V.PROPOSED, "cancel", "comment_required"),
    ],
)
def test_refused_steps_are_409_with_a_code_and_nothing_changes(
    api_as, ministry, status, transition, code
):
    visit = VisitFactory(status=status)

    response = api_as(ministry).post(
        transitions_url(visit), {"transition": transition}, **if_match(visit)
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == code
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (status, 1)
    assert not VisitTransition.objects.exists()


def test_a_stale_if_match_is_412_and_a_missing_one_428(api_as, ministry):
    visit = VisitFactory()
    client = api_as(ministry)

    stale = client.post(transitions_url(visit), {"transition": "cancel", "comment": "x"},
                        HTTP_IF_MATCH='"7"')  # fmt: skip
    missing = client.post(transitions_url(visit), {"transition": "cancel", "comment": "x"})

    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "stale_version"
    assert stale["ETag"] == '"1"'
    assert missing.status_code == 428
    visit.refresh_from_db()
    assert visit.status == V.PROPOSED


def test_an_nih_expert_reads_the_steps_but_may_take_none(api_as, nih_expert):
    visit = VisitFactory()
    client = api_as(nih_expert)

    steps = client.get(transitions_url(visit))
    refused = client.post(transitions_url(visit), {"transition": "cancel", "comment": "x"},
                          **if_match(visit))  # fmt: skip

    assert steps.json()["available"] == []
    assert refused.status_code == 403


# The calendar -----------------------------------------------------------------------------------


def test_the_calendar_is_icalendar_with_the_nine_o_clock_shanghai_item_at_one_utc(
    api_as, bgi_liaison, full_visit
):
    response = api_as(bgi_liaison).get(calendar_url(full_visit))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    start = events["Lab tour"].decoded("dtstart")
    assert start.astimezone(dt.UTC) == dt.datetime(2027, 1, 12, 1, 0, tzinfo=dt.UTC)
    assert (start.hour, str(start.tzinfo)) == (9, "Asia/Shanghai")
    assert ITEM_NOTES not in response.content.decode()


def test_the_calendar_keeps_items_notes_for_people_inside_government(api_as, ministry, full_visit):
    response = api_as(ministry).get(calendar_url(full_visit), HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert ITEM_NOTES in str(events["Lab tour"]["description"])


def test_a_calendar_asked_for_as_text_calendar_still_answers_errors_in_json(api_as, bgi_liaison):
    response = api_as(bgi_liaison).get(calendar_url(VisitFactory()), HTTP_ACCEPT="text/calendar")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# Sites, filters ---------------------------------------------------------------------------------


def test_sites_list_their_city_country_zone_and_capabilities(api_as, bgi_liaison):
    site = SiteFactory(name="BGI Wuhan", city="Wuhan")
    site.capabilities.set([CapabilityFactory(name="Whole-genome sequencing")])

    response = api_as(bgi_liaison).get(reverse("api:site-list"))

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": site.pk,
            "name": "BGI Wuhan",
            "organisation": "BGI Group",
            "city": "Wuhan",
            "country": "China",
            "timezone": "Asia/Shanghai",
            "capabilities": ["Whole-genome sequencing"],
        }
    ]


def test_the_list_filters_by_status_and_departure_dates(api_as, ministry):
    VisitFactory(title="December", starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 5))
    VisitFactory(title="January", starts_on=dt.date(2027, 1, 10), ends_on=dt.date(2027, 1, 15),
                 invitation_received=True)  # fmt: skip
    VisitFactory(title="February", starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 2, 5))
    client = api_as(ministry)
    url = reverse("api:visit-list")

    def titles(**params):
        return [row["title"] for row in client.get(url, params).json()["results"]]

    assert titles() == ["February", "January", "December"]
    assert titles(status="invitation_received") == ["January"]
    assert titles(starts_after="2027-01-10") == ["February", "January"]
    assert titles(starts_before="2027-01-10") == ["December"]
    assert titles(starts_after="2027-01-01", starts_before="2027-02-01") == ["January"]
    assert client.get(url, {"starts_after": "soon"}).status_code == 400


# Query counts -----------------------------------------------------------------------------------


def _visits(count):
    for _ in range(count):
        visit = VisitFactory(shared=True)
        DelegationMemberFactory(visit=visit)
        ItineraryItemFactory(visit=visit)


@pytest.mark.parametrize("persona_name", ["ministry", "bgi_liaison"])
def test_list_query_count_is_flat_for_10_and_200_visits(
    api_as, persona, django_assert_max_num_queries, persona_name
):
    client = api_as(persona(persona_name))
    url = reverse("api:visit-list")

    _visits(10)
    # token, its last-used stamp, the caller's roles, the count, the page
    with django_assert_max_num_queries(5):
        small = client.get(url, {"page_size": 200})
    _visits(190)
    with django_assert_max_num_queries(5):
        large = client.get(url, {"page_size": 200})

    assert small.status_code == large.status_code == 200
    assert (small.json()["count"], large.json()["count"]) == (10, 200)
    assert len(large.json()["results"]) == 200


def test_site_list_query_count_is_flat(api_as, ministry, django_assert_max_num_queries):
    client = api_as(ministry)
    capability = CapabilityFactory()
    url = reverse("api:site-list")

    def build(first, count):
        for n in range(first, first + count):
            SiteFactory(name=f"Site {n}").capabilities.set([capability])

    build(0, 10)
    with django_assert_max_num_queries(6):
        small = client.get(url, {"page_size": 200})
    build(10, 190)
    with django_assert_max_num_queries(6):
        large = client.get(url, {"page_size": 200})

    assert (small.json()["count"], large.json()["count"]) == (10, 200)
