"""Every page BGI's liaison can open reads fully in Simplified Chinese: no English string of the
catalogue is left untranslated, and no English words appear except the test's own data."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from delegations.services import ItineraryData, itinerary_item_add, objective_add
from mou.services import clause_comment_add, mou_create, mou_version_publish, mou_version_share
from portal.views import error_500
from tests.factories import (
    ClauseFactory,
    DelegationMemberFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    SiteFactory,
    VisitFactory,
)
from tests.i18n.catalogue import (
    foreign_words,
    latin_words_in_translations,
    po_path,
    read_po,
    untranslated_on_page,
)

pytestmark = pytest.mark.django_db

ZH = "zh-hans"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Technical tokens a Chinese page rightly shows in Latin script: time-zone abbreviations, the
# portal's acronyms, file types.
TOKENS = {"CST", "PKT", "UTC", "GMT", "NIH", "BGI", "MoU", "PDF", "ICS", "API", "REST", "MoNHSR"}


@pytest.fixture(scope="module")
def catalogue():
    return read_po(po_path("zh_Hans"))


@pytest.fixture
def shared(ministry, bgi_liaison):
    """A visit and an MoU version shared with BGI, with the records the liaison may see."""
    programme = ProgrammeFactory()
    area = PriorityAreaFactory(programme=programme, name="Thalassemia screening")
    visit = VisitFactory(programme=programme, shared=True, title="Shenzhen study visit",
                         purpose="Learn how carrier screening runs at scale.")  # fmt: skip
    objective_add(visit=visit, actor=None, priority_area=area, text="See the sequencing lab")
    member = DelegationMemberFactory(visit=visit, name="Dr Farah Siddiqui")
    day = dt.date(2027, 1, 12)
    itinerary_item_add(
        visit=visit,
        actor=None,
        data=ItineraryData(
            title="Sequencing lab tour",
            starts=dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI),
            ends=dt.datetime.combine(day, dt.time(11, 0), tzinfo=SHANGHAI),
            site=SiteFactory(name="BGI headquarters", city="Shenzhen"),
            counterparts="International cooperation office",
            attendees=[member],
        ),
    )
    mou = mou_create(programme=programme, title="Genomics MoU", title_zh="基因组学谅解备忘录",
                     actor=ministry)  # fmt: skip
    ClauseFactory(mou=mou, position=1, heading_en="Purpose of cooperation",
                  text_en="The Parties shall cooperate in genomics.", heading_zh="合作目的",
                  text_zh="双方应在基因组学领域开展合作。")  # fmt: skip
    version = mou_version_share(
        version=mou_version_publish(mou=mou, actor=ministry, note="For BGI"), actor=ministry
    )
    snapshot = version.clauses.get()
    clause_comment_add(version=version, clause=snapshot, actor=ministry,
                       body="We propose this wording.", visible_to_bgi=True)  # fmt: skip
    clause_comment_add(version=version, clause=snapshot, actor=bgi_liaison, body="Agreed.")
    bgi_liaison.preferred_language = ZH
    bgi_liaison.save(update_fields=["preferred_language"])
    return {"visit": visit, "mou": mou, "version": version, "area": area}


def database_values(*users):
    """What the test itself stored: names, titles, texts (shown as they are, in any language)."""
    values = {
        "Pakistan–BGI genomics cooperation", "Thalassemia screening", "Shenzhen study visit",
        "Learn how carrier screening runs at scale.", "See the sequencing lab",
        "Dr Farah Siddiqui", "Sequencing lab tour", "BGI headquarters", "Shenzhen",
        "International cooperation office", "Genomics MoU", "Purpose of cooperation",
        "The Parties shall cooperate in genomics.", "We propose this wording.", "Agreed.",
        "For BGI", "Asia/Shanghai", "Asia/Karachi", "Shenzhen, China",
    }  # fmt: skip
    for user in users:
        values |= {user.display_name, user.username, user.email}
    return values


def english_left(html, catalogue, data):
    """What is still English on a page meant to be Chinese (empty when all is well)."""
    if f'lang="{ZH}"' not in html:
        return ["the page is not marked as Chinese"]
    left = untranslated_on_page(html, entries=catalogue, page_language=ZH, data=data)
    allowed = latin_words_in_translations(catalogue) | TOKENS
    allowed |= {word for value in data for word in re.findall(r"[A-Za-z]{2,}", value)}
    words = foreign_words(html, page_language=ZH, allowed=allowed)
    return [f"untranslated msgid {item.msgid!r} in {item.text!r}" for item in left] + [
        f"English word {word!r} in {text!r}" for word, text in words
    ]


def assert_all_chinese(responses, catalogue, data):
    problems = {
        url: english_left(response.content.decode(), catalogue, data)
        for url, response in responses.items()
    }
    problems = {url: found for url, found in problems.items() if found}
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def signed_in_pages(shared):
    visit, mou, version = shared["visit"], shared["mou"], shared["version"]
    return [
        reverse("home"),
        reverse("profile"),
        reverse("password_change"),
        reverse("password_change_done"),
        reverse("delegations:visit-list"),
        reverse("delegations:visit-detail", args=[visit.pk]),
        reverse("delegations:visit-itinerary", args=[visit.pk]),
        reverse("mou:mou-list"),
        reverse("mou:mou-detail", args=[mou.pk]),
        reverse("mou:version-detail", args=[mou.pk, version.number]),
        reverse("overview:timeline"),
        reverse("notification-list"),
        reverse("notification-preferences"),
        reverse("two-factor-setup"),
    ]


def test_every_page_bgi_opens_is_in_chinese(client, shared, bgi_liaison, ministry, catalogue):
    client.force_login(bgi_liaison)
    data = database_values(bgi_liaison, ministry)

    responses = {url: client.get(url) for url in signed_in_pages(shared)}

    assert {url: r.status_code for url, r in responses.items() if r.status_code != 200} == {}
    assert_all_chinese(responses, catalogue, data)


def test_error_pages_bgi_meets_are_in_chinese(client, shared, bgi_liaison, ministry, catalogue):
    client.force_login(bgi_liaison)
    data = database_values(bgi_liaison, ministry)

    forbidden = client.get(reverse("delegations:visit-members", args=[shared["visit"].pk]))
    missing = client.get("/no-such-page/")

    assert forbidden.status_code in {403, 404}
    assert missing.status_code == 404
    assert_all_chinese({"403": forbidden, "404": missing}, catalogue, data)


def test_server_error_page_is_in_chinese(catalogue):
    request = RequestFactory().get("/")
    with translation.override(ZH):
        response = error_500(request)

    assert response.status_code == 500
    assert_all_chinese({"500": response}, catalogue, set())


def test_login_and_password_reset_pages_are_in_chinese(client, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH

    urls = [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", args=["MQ", "set-password"]),
        reverse("password_reset_complete"),
    ]
    responses = {url: client.get(url, follow=True) for url in urls}

    assert {url: r.status_code for url, r in responses.items() if r.status_code != 200} == {}
    assert_all_chinese(responses, catalogue, set())


def test_a_failed_login_explains_itself_in_chinese(client, bgi_liaison, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH

    response = client.post(reverse("login"), {"username": "bgi_liaison", "password": "wrong"})

    assert response.status_code == 200
    assert_all_chinese({"login": response}, catalogue, {"bgi_liaison"})


# The checks themselves ------------------------------------------------------------------------


def test_the_check_reports_an_english_string_left_on_a_chinese_page(catalogue):
    html = (
        '<html lang="zh-hans"><body><h1>代表团访问</h1>'
        '<p>Showing 1–20 of 31</p><a aria-label="Main navigation">导航</a></body></html>'
    )

    left = untranslated_on_page(html, entries=catalogue, page_language=ZH)

    assert [item.msgid for item in left] == ["Showing %(start)s–%(end)s of %(total)s",
                                             "Main navigation"]  # fmt: skip


def test_the_check_reports_english_that_was_never_marked_for_translation(catalogue):
    html = '<html lang="zh-hans"><body><p>合作 Nothing marked here</p></body></html>'

    words = foreign_words(html, page_language=ZH, allowed=latin_words_in_translations(catalogue))

    assert [word for word, _text in words] == ["Nothing", "marked", "here"]


def test_the_check_ignores_text_that_declares_another_language(catalogue):
    html = (
        '<html lang="zh-hans"><body><select><option lang="en">English</option></select>'
        '<p lang="en">Main navigation</p></body></html>'
    )

    assert untranslated_on_page(html, entries=catalogue, page_language=ZH) == []
