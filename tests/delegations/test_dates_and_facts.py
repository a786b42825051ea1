"""Dates and facts: itinerary entries outside the visit's dates need an explicit mark that
everyone sees, day headings follow the real day of the visit, and a readiness step dated in
the future is expected, not done — on the pages, the API, the calendar and the briefing pack."""

import datetime as dt
import html
import re
import zoneinfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from delegations.models import DelegationMember, ItineraryItem
from delegations.services import ItineraryData, itinerary_item_add
from tests.factories import DelegationMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# VisitFactory's visit departs on 10 January 2027 and returns on 15 January.
INSIDE = dt.date(2027, 1, 12)
AFTER = dt.date(2027, 1, 22)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()


def data_on(day, title="Follow-up call", **extra):
    return ItineraryData(
        title=title,
        starts=dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI),
        ends=dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI),
        **extra,
    )


def form_data(day, **overrides):
    data = {
        "title": "Follow-up call",
        "kind": ItineraryItem.Kind.MEETING,
        "site": "",
        "timezone": "Asia/Shanghai",
        "starts": f"{day.isoformat()}T09:00",
        "ends": f"{day.isoformat()}T10:00",
        "counterparts": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# Itinerary entries outside the visit ----------------------------------------------------------


def test_service_refuses_an_entry_after_the_return_date(ministry):
    visit = VisitFactory()

    with pytest.raises(ValidationError) as error:
        itinerary_item_add(visit=visit, actor=ministry, data=data_on(AFTER))

    assert "outside the visit's dates (2027-01-10 to 2027-01-15)" in str(
        error.value.message_dict["starts_at"]
    )
    assert not visit.itinerary.exists()


def test_service_keeps_an_entry_outside_the_visit_when_it_is_marked_so(ministry):
    visit = VisitFactory()

    item = itinerary_item_add(
        visit=visit, actor=ministry, data=data_on(AFTER, is_outside_visit=True)
    )
    inside = itinerary_item_add(
        visit=visit, actor=ministry, data=data_on(INSIDE, title="Lab tour", is_outside_visit=True)
    )

    assert item.is_outside_visit is True
    assert inside.is_outside_visit is False  # the mark is kept only while it is true


def test_editor_refuses_an_entry_outside_the_visit_with_a_clear_error(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]), form_data(AFTER)
    )

    assert response.status_code == 400
    assert "falls outside the visit's dates (2027-01-10 to 2027-01-15)" in page_text(response)
    assert "mark it as outside the visit" in page_text(response)
    assert not visit.itinerary.exists()


def test_editor_saves_a_marked_entry_and_the_itinerary_says_it_is_after_the_visit(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]),
        form_data(AFTER, is_outside_visit="on"),
    )
    page = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))

    assert response.status_code == 302
    assert visit.itinerary.get().is_outside_visit is True
    text = page_text(page)
    assert "After the visit · Friday 22 January 2027" in text
    assert "Outside the visit's dates" in text
    assert "Day 13" not in text


def test_day_headings_count_from_departure_within_the_visit(client, ministry):
    visit = VisitFactory()
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(INSIDE, title="Lab tour"))
    itinerary_item_add(
        visit=visit,
        actor=ministry,
        data=data_on(dt.date(2027, 1, 8), title="Preparatory call", is_outside_visit=True),
    )
    client.force_login(ministry)

    text = page_text(client.get(reverse("delegations:visit-itinerary", args=[visit.pk])))

    assert "Before the visit · Friday 8 January 2027" in text
    assert "Day 3 · Tuesday 12 January 2027" in text
    assert text.count("Outside the visit's dates") == 1


def test_bgi_liaison_is_told_an_entry_is_outside_the_visit_on_the_page_and_in_the_api(
    client, api_as, bgi_liaison, ministry
):
    visit = VisitFactory(shared=True)
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(INSIDE, title="Lab tour"))
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(AFTER, is_outside_visit=True))
    client.force_login(bgi_liaison)

    text = page_text(client.get(reverse("delegations:visit-itinerary", args=[visit.pk])))
    body = api_as(bgi_liaison).get(reverse("api:visit-detail", args=[visit.pk])).json()

    assert "After the visit" in text
    assert "Outside the visit's dates" in text
    assert {row["title"]: row["is_outside_visit"] for row in body["itinerary"]} == {
        "Lab tour": False,
        "Follow-up call": True,
    }


def test_ministry_api_and_calendar_mark_the_entry_outside_the_visit(client, api_as, ministry):
    visit = VisitFactory()
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(AFTER, is_outside_visit=True))
    client.force_login(ministry)

    body = api_as(ministry).get(reverse("api:visit-detail", args=[visit.pk])).json()
    calendar = client.get(reverse("delegations:visit-calendar", args=[visit.pk]))

    assert [row["is_outside_visit"] for row in body["itinerary"]] == [True]
    (event,) = icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")
    assert str(event["description"]).startswith("Outside the visit's dates")


def test_briefing_pack_marks_the_entry_outside_the_visit(ministry):
    from delegations.views.itinerary import itinerary_context

    visit = VisitFactory()
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(INSIDE, title="Lab tour"))
    itinerary_item_add(visit=visit, actor=ministry, data=data_on(AFTER, is_outside_visit=True))

    days = itinerary_context(visit, list(visit.itinerary.active()), internal=True)

    assert [(day["label"], [row["outside_visit"] for row in day["rows"]]) for day in days] == [
        ("Day 3", [False]),
        ("After the visit", [True]),
    ]


# Readiness dates in the future are expected, not done ------------------------------------------


@pytest.fixture
def expected_visa():
    today = timezone.localdate()
    visit = VisitFactory(
        starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=25)
    )
    member = DelegationMemberFactory(
        visit=visit,
        name="Dr Farah Khan",
        role="head",
        passport_expires_on=today + dt.timedelta(days=900),
        visa_applied_on=today - dt.timedelta(days=10),
        visa_issued_on=today + dt.timedelta(days=7),  # "issued" next week: only expected
        travel_approval_on=today,
        tickets_issued_on=today - dt.timedelta(days=1),
        insurance_on=today - dt.timedelta(days=1),
    )
    return visit, member


def test_members_page_shows_a_future_visa_as_expected_not_done(client, ministry, expected_visa):
    visit, _member = expected_visa
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-members", args=[visit.pk]))

    page = response.content.decode()
    visa_cell = strip_tags(re.search(r'data-check="visa_issued">(.*?)</td>', page, re.S).group(1))
    assert "Expected" in visa_cell
    assert "Done" not in visa_cell
    assert page.count("✓</span> Done") == 5  # today's and past dates are done
    assert "Dr Farah Khan: Visa issued expected, not done yet" in page_text(response)


def test_api_shows_a_future_visa_as_expected_and_the_member_not_ready(
    api_as, ministry, expected_visa
):
    visit, _member = expected_visa

    body = api_as(ministry).get(reverse("api:visit-detail", args=[visit.pk])).json()

    (member,) = body["members"]
    checks = {check["key"]: (check["ok"], check["state"]) for check in member["checks"]}
    assert checks["visa_issued"] == (False, "expected")
    assert checks["tickets"] == (True, "done")
    assert checks["travel_approval"] == (True, "done")
    assert member["is_ready"] is False
    assert body["readiness"]["ready_count"] == 0


def test_readiness_of_a_date_counts_as_done_from_that_day():
    today = dt.date(2026, 12, 3)

    assert DelegationMember.readiness_of(None, today) == "missing"
    assert DelegationMember.readiness_of(today, today) == "done"
    assert DelegationMember.readiness_of(today + dt.timedelta(days=1), today) == "expected"
