"""Two-factor login with an authenticator app (TOTP): set-up, the second step, and the rule
that the ministry approver and administrators must use it when REQUIRE_2FA_FOR_PRIVILEGED."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def log_in(client, username):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_user_sets_up_two_factor_from_the_profile(client, nih_lead):
    client.force_login(nih_lead)
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("two-factor-setup") in profile

    page = client.get(reverse("two-factor-setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=nih_lead, confirmed=False)
    assert "otpauth://totp/" in html
    assert page.context["secret"] in html

    wrong = client.post(reverse("two-factor-setup"), {"token": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()

    right = client.post(reverse("two-factor-setup"), {"token": code_for(device)}, follow=True)
    assert "Two-factor login is on." in right.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True


def test_login_with_a_device_asks_for_the_code_before_anything_else(client, nih_lead):
    device = confirmed_device(nih_lead)

    response = log_in(client, "nih_lead")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor-verify"))
    # Session-authenticated API calls are refused too.
    api = client.get(reverse("api:me"))
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"

    form = client.get(home["Location"])
    assert "Enter your code" in form.content.decode()
    bad = client.post(reverse("two-factor-verify"), {"token": "123456", "next": "/profile/"})
    assert bad.status_code == 400

    device.refresh_from_db()
    device.throttle_reset()
    good = client.post(
        reverse("two-factor-verify"), {"token": code_for(device), "next": "/profile/"}
    )
    assert good.status_code == 302
    assert good["Location"] == "/profile/"
    assert client.get(reverse("home")).status_code == 200


def test_verify_refuses_an_offsite_next(client, nih_lead):
    device = confirmed_device(nih_lead)
    log_in(client, "nih_lead")

    response = client.post(
        reverse("two-factor-verify"), {"token": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_user_without_device_logs_in_with_one_step(client, nih_lead):
    log_in(client, "nih_lead")

    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("persona_name", ["approver", "administrator"])
def test_privileged_roles_must_set_up_two_factor_when_required(
    client, settings, persona, persona_name
):
    settings.REQUIRE_2FA_FOR_PRIVILEGED = True
    persona(persona_name)

    log_in(client, persona_name)
    home = client.get(reverse("home"))

    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor-setup"))
    page = client.get(home["Location"])
    assert "Your role must log in with a code" in page.content.decode()
    device = TOTPDevice.objects.get(user__username=persona_name, confirmed=False)
    done = client.post(reverse("two-factor-setup"), {"token": code_for(device), "next": "/"})
    assert done["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_privileged_role_cannot_turn_two_factor_off_when_required(client, settings, approver):
    settings.REQUIRE_2FA_FOR_PRIVILEGED = True
    device = confirmed_device(approver)
    log_in(client, "approver")
    client.post(reverse("two-factor-verify"), {"token": code_for(device)})

    response = client.post(
        reverse("two-factor-disable"), {"token": code_for(device, offset=1)}, follow=True
    )

    assert "Your role must log in with two-factor authentication." in response.content.decode()
    assert TOTPDevice.objects.filter(user=approver, confirmed=True).exists()


def test_others_are_not_forced_when_required(client, settings, nih_expert):
    settings.REQUIRE_2FA_FOR_PRIVILEGED = True

    log_in(client, "nih_expert")

    assert client.get(reverse("home")).status_code == 200


def test_privileged_roles_are_not_forced_when_the_setting_is_off(client, approver):
    log_in(client, "approver")

    assert client.get(reverse("home")).status_code == 200


def test_user_turns_two_factor_off_with_a_code(client, nih_lead):
    device = confirmed_device(nih_lead)
    log_in(client, "nih_lead")
    client.post(reverse("two-factor-verify"), {"token": code_for(device)})

    response = client.post(
        reverse("two-factor-disable"), {"token": code_for(device, offset=1)}, follow=True
    )

    assert "Two-factor login is off." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=nih_lead, confirmed=True).exists()
