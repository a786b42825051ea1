"""A visit as ministry staff plan it: propose the visit, add a member, build the itinerary in
Shenzhen time, take the calendar away, and open the trip report."""

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from delegations.models import ItineraryItem, Visit
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD
from tests.factories import CapabilityFactory, ProgrammeFactory, SiteFactory, VisitFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def add_item(page, *, title, kind, starts, ends, attendee=None):
    page.get_by_role("link", name="Add an itinerary item").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Site").select_option(
        label="BGI Group headquarters — Shenzhen (Asia/Shanghai)"
    )
    expect(
        page.get_by_text("The times above are read as Asia/Shanghai clock time.")
    ).to_be_visible()
    page.get_by_label("Starts (local time)").fill(starts)
    page.get_by_label("Ends (local time)").fill(ends)
    page.get_by_label("BGI counterparts").fill("BGI international cooperation office")
    if attendee:
        page.get_by_label(attendee).check()
    page.get_by_role("button", name="Add to the itinerary").click()
    expect(page.get_by_text(f"“{title}” added to the itinerary.")).to_be_visible()


def test_ministry_plans_an_itinerary_and_downloads_its_calendar(page, ministry):
    ProgrammeFactory()
    SiteFactory().capabilities.set([CapabilityFactory(name="Whole-genome sequencing")])
    log_in(page, "ministry", PASSWORD)

    # given: a visit proposed through its form, with one member
    page.goto(reverse("delegations:visit-create"))
    page.get_by_label("Title").fill("Delegation to BGI, Shenzhen")
    page.get_by_label("Departure date").fill("2027-01-10")
    page.get_by_label("Return date").fill("2027-01-15")
    page.get_by_role("button", name="Propose visit").click()
    page.wait_for_url(re.compile(r"/delegations/visits/\d+/$"))
    visit = Visit.objects.get(title="Delegation to BGI, Shenzhen")
    page.goto(reverse("delegations:member-create", args=[visit.pk]))
    page.get_by_label("Name", exact=True).fill("Dr Farah Khan")
    page.get_by_label("E-mail").fill("farah@nih.example")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Dr Farah Khan was added to the delegation.")).to_be_visible()

    # when: two items are added through the itinerary editor, in Shenzhen time
    page.goto(reverse("delegations:visit-itinerary", args=[visit.pk]))
    add_item(page, title="Sequencing lab tour", kind="Lab tour", starts="2027-01-12T09:00",
             ends="2027-01-12T11:00", attendee="Dr Farah Khan")  # fmt: skip
    add_item(page, title="Protocol meeting", kind="Meeting", starts="2027-01-12T14:00",
             ends="2027-01-12T15:30")  # fmt: skip

    # then: the page shows each time locally and in Pakistan time
    first = page.locator(".itinerary-item", has_text="Sequencing lab tour")
    expect(first).to_contain_text("09:00–11:00")
    expect(first).to_contain_text("Shenzhen time (CST)")
    expect(first).to_contain_text("06:00–08:00 Pakistan time")
    expect(first).to_contain_text("Dr Farah Khan")
    expect(page.locator(".itinerary-item", has_text="Protocol meeting")).to_contain_text(
        "11:00–12:30 Pakistan time"
    )
    assert ItineraryItem.objects.filter(visit=visit).count() == 2
    assert axe_violations(page) == []

    # and: the whole visit's calendar downloads with both items at the right instants
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Whole visit (calendar, .ics)").click()
    download = download_info.value
    assert download.suggested_filename == "delegation-to-bgi-shenzhen-itinerary.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    starts = {
        str(event["summary"]): event.decoded("dtstart").astimezone(dt.UTC)
        for event in calendar.walk("VEVENT")
    }
    assert starts == {
        "Sequencing lab tour": dt.datetime(2027, 1, 12, 1, 0, tzinfo=dt.UTC),
        "Protocol meeting": dt.datetime(2027, 1, 12, 6, 0, tzinfo=dt.UTC),
    }

    # and: the item editor passes the accessibility check too
    page.locator(".itinerary-item", has_text="Protocol meeting").get_by_role(
        "link", name="Edit"
    ).click()
    expect(page.get_by_label("Starts (local time)")).to_have_value("2027-01-12T14:00")
    assert axe_violations(page) == []


def test_the_trip_report_page_passes_the_accessibility_check(page, ministry):
    visit = VisitFactory(in_progress=True, title="Delegation to BGI, Shenzhen")
    log_in(page, "ministry", PASSWORD)

    page.goto(reverse("delegations:trip-report", args=[visit.pk]))
    page.get_by_label("Summary of the visit").fill("A *productive* visit.")
    page.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_text("The report's summary was saved.")).to_be_visible()
    page.get_by_label("Action item", exact=True).check()
    expect(page.get_by_label("Owner of the action item")).to_be_visible()
    expect(page.get_by_label("NIH team member who drafts the recommendation")).to_be_hidden()

    assert axe_violations(page) == []
