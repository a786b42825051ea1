"""The language switcher: shown to everyone, remembered in a cookie and on the account, and a
choice made before logging in carried into the account."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_the_login_page_offers_each_language_named_in_itself(client):
    body = client.get(reverse("login")).content.decode()

    assert f'action="{reverse("set_language")}"' in body
    assert 'aria-labelledby="language-choice-label"' in body
    buttons = re.findall(
        r'<button type="submit"\s+name="language"\s+value="([^"]+)"\s+lang="([^"]+)"'
        r'\s+class="[^"]*"\s+aria-pressed="(true|false)">\s*([^<]+?)\s*</button>',
        body,
    )
    assert buttons == [
        ("en", "en", "true", "English"),
        ("ur", "ur", "false", "اردو"),
        ("zh-hans", "zh-hans", "false", "简体中文"),
    ]


def test_a_visitor_switches_to_urdu_and_the_cookie_keeps_it(client):
    response = switch(client, "ur", next_url=reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response.cookies[COOKIE].value == "ur"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="ur"\n      dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page


def test_a_signed_in_user_switches_and_the_choice_is_saved_on_the_account(client, nih_expert):
    client.force_login(nih_expert)

    response = switch(client, "zh-hans", next_url=reverse("profile"))

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"
    nih_expert.refresh_from_db()
    assert nih_expert.preferred_language == "zh-hans"
    assert 'lang="zh-hans"' in client.get(reverse("profile")).content.decode()


def test_the_saved_language_follows_the_user_to_another_browser(client, nih_expert):
    User.objects.filter(pk=nih_expert.pk).update(preferred_language="ur")
    client.cookies[COOKIE] = "en"
    client.force_login(nih_expert)

    response = client.get(reverse("profile"))

    assert '<html lang="ur"' in response.content.decode()
    assert response.cookies[COOKIE].value == "ur"


def test_logging_in_brings_the_cookie_in_line_with_the_saved_language(client, nih_expert):
    User.objects.filter(pk=nih_expert.pk).update(preferred_language="zh-hans")

    response = client.post(reverse("login"), {"username": "nih_expert", "password": PASSWORD})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"


def test_a_language_chosen_on_the_login_page_becomes_the_saved_language(client, bgi_liaison):
    switch(client, "zh-hans", next_url=reverse("login"))

    response = client.post(reverse("login"), {"username": "bgi_liaison", "password": PASSWORD})

    assert response.status_code == 302
    bgi_liaison.refresh_from_db()
    assert bgi_liaison.preferred_language == "zh-hans"
    assert 'lang="zh-hans"' in client.get(reverse("profile")).content.decode()


def test_without_a_choice_before_login_the_saved_language_wins(client, nih_expert):
    User.objects.filter(pk=nih_expert.pk).update(preferred_language="ur")
    client.cookies[COOKIE] = "zh-hans"  # left by someone else on this browser

    client.post(reverse("login"), {"username": "nih_expert", "password": PASSWORD})

    nih_expert.refresh_from_db()
    assert nih_expert.preferred_language == "ur"
    assert '<html lang="ur"' in client.get(reverse("profile")).content.decode()


def test_an_unknown_language_changes_nothing(client, nih_expert):
    client.force_login(nih_expert)

    response = switch(client, "fr")

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"  # the account's language, not "fr"
    nih_expert.refresh_from_db()
    assert nih_expert.preferred_language == "en"


def test_the_switcher_accepts_posts_only(client):
    assert client.get(reverse("set_language")).status_code == 405
