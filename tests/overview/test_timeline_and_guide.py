"""The programme timeline page and the API guide page."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    MouFactory,
    UserFactory,
    VisitFactory,
)
from tests.overview.factories import (
    LogisticsTaskFactory,
    MouVersionFactory,
    ReviewRequestFactory,
    build_programme,
)

pytestmark = pytest.mark.django_db

TIMELINE = "/overview/timeline/"
GUIDE = "/overview/api-guide/"


def test_urls_are_named():
    assert reverse("overview:timeline") == TIMELINE
    assert reverse("overview:api-guide") == GUIDE


@pytest.fixture
def dated():
    today = timezone.localdate()
    VisitFactory(
        title="Shared visit",
        shared=True,
        starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=45),
    )
    VisitFactory(title="Internal visit", starts_on=today + dt.timedelta(days=70), ends_on=None)
    ActionItemFactory(title="Draft the agenda", due_on=today + dt.timedelta(days=3))
    mou = MouFactory(title="The MoU", signing_deadline_on=today + dt.timedelta(days=20))
    MouVersionFactory(mou=mou, number=1, shared=True)
    MouVersionFactory(mou=mou, number=2)
    ReviewRequestFactory(
        round__mou=mou, round__title="Legal round", round__due_on=today + dt.timedelta(days=10)
    )
    return today


def _get(client, user, url=TIMELINE, **params):
    client.force_login(user)
    return client.get(url, params)


def test_ministry_sees_every_kind_ordered_by_date_in_month_sections(client, ministry, dated):
    response = _get(client, ministry)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Shared visit",
        "Internal visit",
        "Draft the agenda",
        "Legal round — The MoU",
        "Version 2 published",
        "Signing deadline",
    ):
        assert text in html
    months = re.findall(r'<h2 id="month-(\d{4}-\d{2})"', html)
    assert months == sorted(months)
    assert len(months) >= 2
    dates = re.findall(
        r'<li class="timeline-entry[^"]*">\s*<span class="timeline-date">\s*<time datetime="([\d-]+)"',
        html,
    )
    assert dates == sorted(dates)


def test_every_kind_of_reminder_is_on_the_timeline(client, ministry, dated):
    """The timeline's dated things are the reminder registry's: checklist tasks and missing
    visas are on it under the visits, obligations under the MoU."""
    officer = UserFactory()
    visit = VisitFactory(
        title="Trip to Wuhan", starts_on=dated + dt.timedelta(days=25), responsible_officer=officer
    )
    LogisticsTaskFactory(visit=visit, title="Book the hotel", owner=officer)
    DelegationMemberFactory(visit=visit, name="Dr Ali")

    html = _get(client, ministry, kind="visit").content.decode()

    assert "Book the hotel — Trip to Wuhan" in html
    assert "Visa for Dr Ali — Trip to Wuhan" in html
    assert "Draft the agenda" not in html


def test_filter_by_kind(client, ministry, dated):
    html = _get(client, ministry, kind="visit").content.decode()

    assert "Shared visit" in html
    assert "Draft the agenda" not in html
    assert "Legal round" not in html
    assert (
        'value="visit"\n                     id="kind-visit"\n                     checked' in html
        or re.search(r'id="kind-visit"\s+checked', html)
    )
    assert "Show everything" in html


def test_bgi_sees_only_shared_things(client, bgi_liaison, dated):
    html = _get(client, bgi_liaison).content.decode()

    assert "Shared visit" in html
    assert "Version 1 shared with BGI" in html
    for internal in (
        "Internal visit",
        "Draft the agenda",
        "Legal round",
        "Version 2",
        "Signing deadline",
    ):
        assert internal not in html
    assert 'id="kind-action_item"' not in html


def test_bgi_cannot_ask_for_internal_kinds(client, bgi_liaison, dated):
    html = _get(client, bgi_liaison, kind="action_item").content.decode()

    assert "Draft the agenda" not in html


def test_api_client_gets_404_for_the_timeline(client, api_client):
    assert _get(client, api_client).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(TIMELINE)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["ministry", "bgi_liaison"])
def test_timeline_query_count_stays_flat(client, persona, name):
    user = persona(name)
    build_programme(1)
    _get(client, user)
    with CaptureQueriesContext(connection) as small:
        assert client.get(TIMELINE).status_code == 200

    build_programme(6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(TIMELINE).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 20


# The API guide -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ministry", "nih_expert", "api_client", "administrator"])
def test_api_guide_shows_curl_and_python_examples(client, persona, name):
    response = _get(client, persona(name), GUIDE)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "/api/v1/auth/token/",
        "If-None-Match",
        "/api/v1/status/",
        "/api/v1/recommendations/?status=submitted",
        "If-Match",
        '"error": {',
        "/api/v1/reports/",
        "202",
        "/download/",
        "/api/v1/notifications/",
        "import requests",
        "urllib.request",
        "curl ",
    ):
        assert text in html, text


def test_bgi_liaison_gets_404_for_the_api_guide(client, bgi_liaison):
    assert _get(client, bgi_liaison, GUIDE).status_code == 404


def test_nav_links_the_api_guide_for_those_who_see_api_docs(client, ministry, bgi_liaison):
    client.force_login(ministry)
    nav = client.get("/").content.decode().split('aria-label="Main navigation"', 1)[1]
    assert f'href="{GUIDE}"' in nav.split("</nav>", 1)[0]

    client.force_login(bgi_liaison)
    nav = client.get("/").content.decode().split('aria-label="Main navigation"', 1)[1]
    assert f'href="{GUIDE}"' not in nav.split("</nav>", 1)[0]
    assert f'href="{TIMELINE}"' in nav.split("</nav>", 1)[0]
