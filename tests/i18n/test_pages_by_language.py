"""Urdu pages are right to left with Bootstrap's RTL build; pages show the chosen language's
strings; dates and numbers follow the language."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from delegations.services import ItineraryData, budget_line_add, itinerary_item_add
from portal.models import User
from tests.factories import SiteFactory, VisitFactory

pytestmark = pytest.mark.django_db

RTL_CSS = "vendor/bootstrap-5.3.9/css/bootstrap.rtl.min.css"
LTR_CSS = "vendor/bootstrap-5.3.9/css/bootstrap.min.css"


def speaks(user, language):
    User.objects.filter(pk=user.pk).update(preferred_language=language)


def translated(language, text):
    with translation.override(language):
        result = gettext(text)
    assert result != text, f"{text!r} has no {language} translation"
    return result


def test_the_rtl_build_of_bootstrap_is_shipped():
    assert finders.find(RTL_CSS) is not None


@pytest.mark.parametrize(
    "url_name", ["home", "profile", "delegations:visit-list", "mou:mou-list", "password_change"]
)
def test_urdu_pages_are_right_to_left(client, ministry, url_name):
    speaks(ministry, "ur")
    client.force_login(ministry)

    body = client.get(reverse(url_name)).content.decode()

    assert '<html lang="ur"\n      dir="rtl">' in body
    assert RTL_CSS in body
    assert LTR_CSS not in body
    assert translated("ur", "Log out") in body
    assert ">Log out<" not in body


def test_english_pages_are_left_to_right(client, ministry):
    client.force_login(ministry)

    body = client.get(reverse("home")).content.decode()

    assert '<html lang="en"\n      dir="ltr">' in body
    assert LTR_CSS in body
    assert RTL_CSS not in body


def test_the_login_page_in_urdu_and_chinese(client):
    for language in ("ur", "zh-hans"):
        client.cookies["django_language"] = language
        body = client.get(reverse("login")).content.decode()
        assert f'<html lang="{language}"' in body
        assert translated(language, "Forgotten your password?") in body
        assert "Forgotten your password?" not in body


def test_the_error_pages_follow_the_language(client, ministry):
    speaks(ministry, "ur")
    client.force_login(ministry)

    body = client.get("/no-such-page/").content.decode()

    assert '<html lang="ur"\n      dir="rtl">' in body
    assert translated("ur", "Page not found") in body


@pytest.fixture
def visit():
    visit = VisitFactory(starts_on=dt.date(2027, 1, 10), ends_on=dt.date(2027, 1, 15))
    day = dt.date(2027, 1, 12)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    itinerary_item_add(
        visit=visit,
        actor=None,
        data=ItineraryData(
            title="Sequencing lab tour",
            starts=dt.datetime.combine(day, dt.time(9, 0), tzinfo=shanghai),
            ends=dt.datetime.combine(day, dt.time(11, 0), tzinfo=shanghai),
            site=SiteFactory(),
        ),
    )
    budget_line_add(visit=visit, actor=None, category="airfare", estimated_pkr=Decimal(1250000))
    return visit


@pytest.mark.parametrize(
    ("language", "visit_dates", "itinerary_day"),
    [
        ("en", "10 Jan 2027", "Tuesday 12 January 2027"),
        ("ur", "10 جنوری 2027", "12 جنوری 2027"),
        ("zh-hans", "2027年1月10日", "2027年1月12日 星期二"),
    ],
)
def test_dates_follow_the_language(client, ministry, visit, language, visit_dates, itinerary_day):
    speaks(ministry, language)
    client.force_login(ministry)

    overview = client.get(reverse("delegations:visit-detail", args=[visit.pk])).content.decode()
    itinerary = client.get(reverse("delegations:visit-itinerary", args=[visit.pk]))

    assert visit_dates in overview
    assert itinerary_day in itinerary.content.decode()


@pytest.mark.parametrize(
    ("language", "amount"),
    # Chinese financial writing groups thousands with commas too (Django's own zh_Hans format
    # groups nothing): PKR amounts read alike in every language.
    [("en", "1,250,000.00"), ("ur", "1,250,000.00"), ("zh-hans", "1,250,000.00")],
)
def test_numbers_follow_the_language(client, ministry, visit, language, amount):
    speaks(ministry, language)
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-budget", args=[visit.pk]))

    assert f'data-testid="total-estimated">{amount}</td>' in response.content.decode()
