import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login_from_a_private_page(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('profile')}"


def test_login_page_is_public_and_labelled(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert 'for="id_username"' in response.content.decode()
    assert 'for="id_password"' in response.content.decode()


def test_user_logs_in_and_lands_on_home(client, ministry):
    response = client.post(
        reverse("login"), {"username": "ministry", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"Welcome, {ministry.display_name}" in response.content.decode()


def test_wrong_password_shows_an_error_and_does_not_log_in(client, ministry):
    response = client.post(reverse("login"), {"username": "ministry", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_logs_out_with_a_post(client, ministry):
    client.force_login(ministry)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, nih_expert):
    client.post(reverse("password_reset"), {"email": nih_expert.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [nih_expert.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-Pass-2026!", "new_password2": "a-new-Pass-2026!"},
    )
    assert response.status_code == 302
    nih_expert.refresh_from_db()
    assert nih_expert.check_password("a-new-Pass-2026!") is True


def test_password_change_requires_the_old_password(client, nih_expert):
    client.force_login(nih_expert)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x-New-2026!", "new_password2": "x-New-2026!"},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    nih_expert.refresh_from_db()
    assert nih_expert.check_password(PASSWORD) is True


def test_unknown_page_gets_the_styled_404(client, ministry):
    client.force_login(ministry)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
