"""Itinerary pages: local and Pakistan times, double bookings, the editor, calendars, the
briefing pack, BGI's sites, and what BGI's liaison may and may not see."""

import datetime as dt
import html
import re
import shutil
import subprocess
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from delegations.models import ItineraryItem, VisitObjective
from delegations.services import ItineraryData, itinerary_item_add
from tests.conftest import require_service
from tests.factories import (
    CapabilityFactory,
    DelegationMemberFactory,
    ItineraryItemFactory,
    PriorityAreaFactory,
    SiteFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")


def page_text(response) -> str:
    """The page as a person reads it: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()


def add_item(visit, actor, title="Sequencing lab tour", start=(9, 0), end=(11, 0), **extra):
    day = dt.date(2027, 1, 12)
    return itinerary_item_add(
        visit=visit,
        actor=actor,
        data=ItineraryData(
            title=title,
            starts=dt.datetime.combine(day, dt.time(*start), tzinfo=SHANGHAI),
            ends=dt.datetime.combine(day, dt.time(*end), tzinfo=SHANGHAI),
            site=extra.pop("site", None) or SiteFactory(),
            **extra,
        ),
    )


def form_data(**overrides):
    data = {
        "title": "Welcome meeting",
        "kind": ItineraryItem.Kind.MEETING,
        "site": "",
        "timezone": "",
        "starts": "2027-01-12T09:00",
        "ends": "2027-01-12T11:00",
        "counterparts": "BGI international cooperation office",
        "notes": "",
    }
    data.update(overrides)
    return data


def parsed_events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar.walk("VEVENT")


# The itinerary page ---------------------------------------------------------------------------


def test_an_item_at_nine_in_shenzhen_shows_six_in_pakistan(client, ministry):
    visit = VisitFactory()
    add_item(visit, ministry)
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Sequencing lab tour" in text
    assert "09:00–11:00 Shenzhen time (CST) · 06:00–08:00 Pakistan time" in text
    assert "Day 3 · Tuesday 12 January 2027" in text


def test_an_item_at_home_is_shown_once_in_pakistan_time(client, ministry):
    visit = VisitFactory()
    airport = SiteFactory(name="Islamabad International Airport", city="Islamabad",
                          timezone="Asia/Karachi")  # fmt: skip
    itinerary_item_add(
        visit=visit, actor=ministry,
        data=ItineraryData(title="Departure", starts=dt.datetime(2027, 1, 10, 20, 30, tzinfo=KARACHI),
                           ends=dt.datetime(2027, 1, 10, 23, 0, tzinfo=KARACHI), site=airport),
    )  # fmt: skip
    client.force_login(ministry)

    text = page_text(client.get(reverse("delegations:visit-itinerary", args=[visit.pk])))

    assert "20:30–23:00 Pakistan time (PKT)" in text
    assert "Pakistan time (PKT) ·" not in text


def test_a_double_booking_is_flagged_with_words_on_the_page(client, ministry):
    visit = VisitFactory()
    alice = DelegationMemberFactory(visit=visit, name="Dr Alice")
    add_item(visit, ministry, title="Lab tour", attendees=[alice])
    add_item(visit, ministry, title="Protocol meeting", start=(10, 0), end=(12, 0),
             attendees=[alice])  # fmt: skip
    client.force_login(ministry)

    text = page_text(client.get(reverse("delegations:visit-itinerary", args=[visit.pk])))

    assert "Double booking: Dr Alice is also at “Protocol meeting”." in text
    assert "Dr Alice is also at “Lab tour”." in text
    assert "2 items have a member booked in two places at once." in text


def test_no_double_booking_warning_when_items_follow_each_other(client, ministry):
    visit = VisitFactory()
    alice = DelegationMemberFactory(visit=visit, name="Dr Alice")
    add_item(visit, ministry, title="Lab tour", attendees=[alice])
    add_item(visit, ministry, title="Lunch", start=(11, 0), end=(12, 0), attendees=[alice])
    client.force_login(ministry)

    text = page_text(client.get(reverse("delegations:visit-itinerary", args=[visit.pk])))

    assert "Double booking" not in text


def test_internal_people_see_item_notes_counterparts_and_attendees(client, nih_expert, ministry):
    visit = VisitFactory()
    farah = DelegationMemberFactory(visit=visit, name="Dr Farah")
    add_item(visit, ministry, notes="Bring the **sample-sharing** draft.",
             counterparts="Prof. Wang", attendees=[farah])  # fmt: skip
    client.force_login(nih_expert)

    response = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))

    assert "<strong>sample-sharing</strong>" in response.content.decode()
    text = page_text(response)
    assert "Prof. Wang" in text
    assert "Dr Farah" in text
    assert "Add an itinerary item" not in text  # an expert does not edit the itinerary


def test_the_page_links_the_calendars_and_briefing_pack_for_internal_people(client, ministry):
    visit = VisitFactory()
    member = DelegationMemberFactory(visit=visit, name="Dr Farah")
    client.force_login(ministry)

    body = client.get(reverse("delegations:visit-itinerary", args=[visit.pk])).content.decode()

    assert reverse("delegations:visit-calendar", args=[visit.pk]) in body
    assert reverse("delegations:member-calendar", args=[member.pk]) in body
    assert reverse("delegations:visit-briefing-pack", args=[visit.pk]) in body
    assert reverse("delegations:itinerary-item-create", args=[visit.pk]) in body


def test_the_itinerary_page_query_count_does_not_grow_with_items(
    client, ministry, django_assert_max_num_queries
):
    visit = VisitFactory()
    members = [DelegationMemberFactory(visit=visit) for _ in range(3)]
    site = SiteFactory()
    url = reverse("delegations:visit-itinerary", args=[visit.pk])
    client.force_login(ministry)

    def make(count):
        for index in range(count):
            start = dt.datetime(2027, 1, 11, 1, tzinfo=dt.UTC) + dt.timedelta(hours=index)
            ItineraryItemFactory(visit=visit, site=site, starts_at=start,
                                 ends_at=start + dt.timedelta(minutes=90), attendees=members)  # fmt: skip

    make(10)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    make(90)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 itinerary-item"') == 100
    assert len(captured) <= 12


# BGI's liaison ------------------------------------------------------------------------------


def test_bgi_liaison_sees_the_itinerary_of_a_shared_visit_without_notes(client, bgi_liaison,
                                                                        ministry):  # fmt: skip
    visit = VisitFactory(shared=True)
    member = DelegationMemberFactory(visit=visit, name="Dr Farah")
    add_item(visit, ministry, notes="Internal: keep the budget question for later.",
             attendees=[member, DelegationMemberFactory(visit=visit, name="Mr Bilal")])  # fmt: skip
    add_item(visit, ministry, title="Overlapping", start=(10, 0), end=(10, 30), attendees=[member])
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))

    assert response.status_code == 200
    text = page_text(response)
    assert "09:00–11:00 Shenzhen time (CST) · 06:00–08:00 Pakistan time" in text
    assert "keep the budget question" not in text
    assert "Double booking" not in text
    body = response.content.decode()
    assert reverse("delegations:member-calendar", args=[member.pk]) not in body
    assert reverse("delegations:visit-briefing-pack", args=[visit.pk]) not in body
    assert reverse("delegations:visit-calendar", args=[visit.pk]) in body


def test_bgi_liaison_gets_the_whole_visit_calendar_of_a_shared_visit_without_notes(
    client, bgi_liaison, ministry
):
    visit = VisitFactory(shared=True)
    add_item(visit, ministry, notes="Internal: keep the budget question for later.")
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:visit-calendar", args=[visit.pk]))

    assert response.status_code == 200
    [event] = parsed_events(response)
    assert str(event["summary"]) == "Sequencing lab tour"
    assert b"budget question" not in response.content


@pytest.mark.parametrize("url_name", ["delegations:visit-itinerary", "delegations:visit-calendar"])
def test_bgi_liaison_gets_404_for_an_unshared_visit(client, bgi_liaison, url_name):
    visit = VisitFactory()
    client.force_login(bgi_liaison)

    assert client.get(reverse(url_name, args=[visit.pk])).status_code == 404


def test_bgi_liaison_gets_404_for_member_calendars_and_the_briefing_pack(client, bgi_liaison):
    visit = VisitFactory(shared=True)
    member = DelegationMemberFactory(visit=visit)
    client.force_login(bgi_liaison)

    assert client.get(reverse("delegations:member-calendar", args=[member.pk])).status_code == 404
    briefing = reverse("delegations:visit-briefing-pack", args=[visit.pk])
    assert client.get(briefing).status_code == 404


@pytest.mark.parametrize("url_name", ["delegations:visit-itinerary", "delegations:visit-calendar"])
def test_machine_accounts_read_visits_through_the_api_not_these_pages(client, api_client,
                                                                      url_name):  # fmt: skip
    visit = VisitFactory(shared=True)
    client.force_login(api_client)

    assert client.get(reverse(url_name, args=[visit.pk])).status_code == 404


def test_bgi_liaison_may_not_edit_the_itinerary_of_a_shared_visit(client, bgi_liaison):
    visit = VisitFactory(shared=True)
    client.force_login(bgi_liaison)

    response = client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]), form_data()
    )

    assert response.status_code == 403
    assert not ItineraryItem.objects.exists()


# Calendars ----------------------------------------------------------------------------------


def test_the_visit_calendar_parses_and_its_event_starts_at_one_utc(client, ministry):
    visit = VisitFactory(title="Delegation to Shenzhen")
    add_item(visit, ministry, notes="Bring the draft.")
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-calendar", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="delegation-to-shenzhen-itinerary.ics"'
    )
    [event] = parsed_events(response)
    assert event.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(2027, 1, 12, 1, 0,
                                                                      tzinfo=dt.UTC)  # fmt: skip
    assert "Bring the draft." in str(event["description"])  # internal viewers get the notes


def test_a_member_calendar_contains_only_their_items(client, ministry):
    visit = VisitFactory()
    alice = DelegationMemberFactory(visit=visit, name="Alice")
    bob = DelegationMemberFactory(visit=visit, name="Bob")
    add_item(visit, ministry, title="Both", attendees=[alice, bob])
    add_item(visit, ministry, title="Bob only", start=(14, 0), end=(15, 0), attendees=[bob])
    client.force_login(ministry)

    response = client.get(reverse("delegations:member-calendar", args=[alice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "alice.ics" in response["Content-Disposition"]
    assert [str(event["summary"]) for event in parsed_events(response)] == ["Both"]


# The briefing pack ----------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


def test_the_briefing_pack_pdf_holds_the_itinerary_and_site_capabilities(
    client, ministry, tmp_path
):
    site = SiteFactory(name="China National GeneBank")
    site.capabilities.set([CapabilityFactory(name="Biobanking at the GeneBank")])
    visit = VisitFactory(title="Delegation to Shenzhen", official_reference="F.No. 7-12/2027")
    DelegationMemberFactory(visit=visit, name="Dr Farah Khan", email="farah@nih.example")
    add_item(visit, ministry, title="Gene bank governance meeting", site=site)
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-briefing-pack", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content, tmp_path)
    assert "Gene bank governance meeting" in text
    assert "Biobanking at the GeneBank" in text
    assert "F.No. 7-12/2027" in text
    assert "farah@nih.example" in text
    assert "09:00–11:00" in text
    assert "06:00–08:00" in text


def test_the_briefing_pack_renders_markdown_and_the_portals_date_format(client, ministry, tmp_path):
    visit = VisitFactory(purpose="Agree **the sample transfer** terms.")
    VisitObjective.objects.create(
        visit=visit, priority_area=PriorityAreaFactory(name="Biobanking"), text="Map *seven* sites."
    )
    add_item(visit, ministry, title="Lab tour", notes="Bring **passports**.\n\n- badge\n- gown")
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-briefing-pack", args=[visit.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "Agree the sample transfer terms." in text
    assert "Map seven sites." in text
    assert "Bring passports." in text
    assert "**" not in text
    assert "*seven*" not in text
    assert "10 Jan 2027 – 15 Jan 2027" in text  # the visit's dates, as every page shows dates


# The editor ----------------------------------------------------------------------------------


def test_ministry_adds_an_item_read_in_the_sites_time_zone(client, ministry):
    visit = VisitFactory()
    site = SiteFactory()  # Asia/Shanghai
    alice = DelegationMemberFactory(visit=visit, name="Alice")
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]),
        form_data(site=site.pk, attendees=[alice.pk]),
    )

    item = ItineraryItem.objects.get(visit=visit)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/itinerary/#item-{item.pk}")
    assert item.timezone == "Asia/Shanghai"
    assert item.starts_at == dt.datetime(2027, 1, 12, 1, 0, tzinfo=dt.UTC)
    assert list(item.attendees.all()) == [alice]


def test_ministry_adds_an_item_in_a_chosen_time_zone(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]),
        form_data(timezone="Asia/Karachi"),
    )

    item = ItineraryItem.objects.get(visit=visit)
    assert item.timezone == "Asia/Karachi"
    assert item.starts_at == dt.datetime(2027, 1, 12, 4, 0, tzinfo=dt.UTC)


def test_the_editor_offers_active_members_and_a_datetime_local_input(client, ministry):
    visit = VisitFactory()
    DelegationMemberFactory(visit=visit, name="Active Alice")
    DelegationMemberFactory(visit=visit, name="Former Fred", is_active=False)
    client.force_login(ministry)

    response = client.get(reverse("delegations:itinerary-item-create", args=[visit.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'type="datetime-local"' in body
    assert 'type="checkbox"' in body
    assert "Active Alice" in body
    assert "Former Fred" not in body
    assert '<option value="Asia/Shanghai">' in body


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-create", args=[visit.pk]),
        form_data(starts="2027-01-12T11:00", ends="2027-01-12T09:00"),
    )

    assert response.status_code == 400
    assert "The end must be after the start." in page_text(response)
    assert ItineraryItem.objects.filter(visit=visit).count() == 0


def test_the_edit_form_shows_the_local_time_of_the_item(client, ministry):
    visit = VisitFactory()
    item = add_item(visit, ministry)
    client.force_login(ministry)

    response = client.get(reverse("delegations:itinerary-item-update", args=[item.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="2027-01-12T09:00"' in body
    assert f'name="version" value="{item.version}"' in body


def test_ministry_edits_an_item(client, ministry):
    visit = VisitFactory()
    item = add_item(visit, ministry)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-update", args=[item.pk]),
        form_data(title="Sequencing lab tour (extended)", site=item.site_id,
                  ends="2027-01-12T12:30", version=item.version),
    )  # fmt: skip

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Sequencing lab tour (extended)"
    assert item.ends_at == dt.datetime(2027, 1, 12, 4, 30, tzinfo=dt.UTC)


def test_a_stale_edit_gets_a_conflict_and_changes_nothing(client, ministry):
    visit = VisitFactory()
    item = add_item(visit, ministry)
    stale = item.version
    ItineraryItem.objects.filter(pk=item.pk).update(version=stale + 1, title="Changed meanwhile")
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:itinerary-item-update", args=[item.pk]),
        form_data(title="My edit", site=item.site_id, version=stale),
    )

    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this since you opened it, so your changes were not saved." in text
    assert "The entry as it is saved now Changed meanwhile" in text
    item.refresh_from_db()
    assert item.title == "Changed meanwhile"


def test_ministry_removes_an_item(client, ministry):
    visit = VisitFactory()
    item = add_item(visit, ministry)
    client.force_login(ministry)

    response = client.post(reverse("delegations:itinerary-item-remove", args=[item.pk]))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.archived_at is not None  # archived, not erased
    assert item.history.first().history_user == ministry
    itinerary = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))
    assert itinerary.context["item_count"] == 0
    edit = client.get(reverse("delegations:itinerary-item-update", args=[item.pk]))
    assert edit.status_code == 404
    calendar = client.get(reverse("delegations:visit-calendar", args=[visit.pk]))
    assert "Sequencing lab tour" not in calendar.content.decode()


def test_an_nih_expert_may_not_add_edit_or_remove_items(client, nih_expert, ministry):
    visit = VisitFactory()
    item = add_item(visit, ministry)
    client.force_login(nih_expert)
    create = reverse("delegations:itinerary-item-create", args=[visit.pk])
    update = reverse("delegations:itinerary-item-update", args=[item.pk])

    assert client.get(create).status_code == 403
    assert client.post(create, form_data()).status_code == 403
    assert client.get(update).status_code == 403
    assert client.post(update, form_data(title="X", version=item.version)).status_code == 403
    remove = reverse("delegations:itinerary-item-remove", args=[item.pk])
    assert client.post(remove).status_code == 403
    item.refresh_from_db()
    assert item.title == "Sequencing lab tour"
    assert ItineraryItem.objects.filter(visit=visit).count() == 1


# BGI's sites ----------------------------------------------------------------------------------


def test_the_site_list_shows_city_time_zone_and_capabilities(client, bgi_liaison):
    site = SiteFactory(name="BGI Genomics clinical laboratories")
    site.capabilities.set([CapabilityFactory(name="Thalassemia carrier screening")])
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:site-list"))

    assert response.status_code == 200
    text = page_text(response)
    assert "BGI Genomics clinical laboratories" in text
    assert "Shenzhen, China" in text
    assert "Asia/Shanghai" in text
    assert "Thalassemia carrier screening" in text


def test_the_site_list_query_count_does_not_grow_with_sites(
    client, ministry, django_assert_max_num_queries
):
    capabilities = [CapabilityFactory() for _ in range(3)]
    client.force_login(ministry)
    url = reverse("delegations:site-list")

    def make(start, stop):
        for index in range(start, stop):
            SiteFactory(name=f"Site {index:03d}").capabilities.set(capabilities)

    make(0, 10)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    make(10, 200)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert "200 sites" in page_text(response)
