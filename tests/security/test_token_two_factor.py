"""Two factors on every way in: the token endpoint asks for the code the web login asks for,
and a token made without a second factor does not work for someone who must use one."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from collaboration.models import Recommendation
from portal.models import ApiToken
from tests.conftest import PASSWORD
from tests.factories import RecommendationFactory
from tests.security.test_two_factor import code_for, confirmed_device

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def _token_login(username, **extra):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json"
    )


def _approve(key, recommendation):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.post(
        reverse("api:recommendation-transitions", args=[recommendation.pk]),
        {"transition": "approve"},
        format="json",
        HTTP_IF_MATCH=f'"{recommendation.version}"',
    )


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_PRIVILEGED = True


def test_password_alone_gets_no_token_when_the_account_has_an_authenticator(approver):
    confirmed_device(approver)

    response = _token_login("approver")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=approver).exists()


def test_a_wrong_code_gets_no_token(approver):
    confirmed_device(approver)

    response = _token_login("approver", otp="000000")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "otp_invalid"
    assert not ApiToken.objects.filter(user=approver).exists()


def test_the_current_code_gets_a_token_that_approves(approver, team):
    device = confirmed_device(approver)
    recommendation = RecommendationFactory(submitted=True)

    response = _token_login("approver", otp=code_for(device))

    assert response.status_code == 201
    assert ApiToken.objects.get(user=approver).is_two_factor_verified is True
    assert _approve(response.json()["token"], recommendation).status_code == 200
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.APPROVED


def test_a_code_works_once(approver):
    device = confirmed_device(approver)
    code = code_for(device)
    assert _token_login("approver", otp=code).status_code == 201

    replay = _token_login("approver", otp=code)

    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "otp_invalid"
    assert ApiToken.objects.filter(user=approver).count() == 1


def test_wrong_codes_count_towards_the_lockout(approver, settings):
    device = confirmed_device(approver)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _token_login("approver", otp="000000").status_code == 400
    assert _token_login("approver", otp="000000").status_code == 429  # the last one locks
    device.refresh_from_db()
    device.throttle_reset()
    cache.clear()  # the endpoint's rate limit is not what refuses the next call

    locked = _token_login("approver", otp=code_for(device))

    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert not ApiToken.objects.filter(user=approver).exists()


def test_required_role_without_an_authenticator_gets_no_token(approver, required):
    response = _token_login("approver")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "two_factor_setup_required"
    assert not ApiToken.objects.exists()


def test_a_token_made_before_two_factor_was_required_stops_working(approver, team, settings):
    recommendation = RecommendationFactory(submitted=True)
    key = _token_login("approver").json()["token"]
    settings.REQUIRE_2FA_FOR_PRIVILEGED = True

    refused = _approve(key, recommendation)

    assert refused.status_code == 401
    assert "two-factor" in refused.json()["error"]["message"]
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.SUBMITTED


def test_people_who_need_no_second_factor_get_tokens_as_before(api_client, ministry, required):
    assert _token_login("api_client").status_code == 201
    assert _token_login("ministry").status_code == 201


def test_turning_two_factor_on_revokes_tokens_made_without_it(client, nih_lead):
    key = _token_login("nih_lead").json()["token"]
    client.force_login(nih_lead)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=nih_lead, confirmed=False)

    client.post(reverse("two-factor-setup"), {"token": code_for(device)})

    assert ApiToken.objects.get(user=nih_lead).revoked_at is not None
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert me.get(reverse("api:me")).status_code == 401


def test_a_token_made_in_a_verified_web_session_is_marked_verified(client, approver, required):
    device = confirmed_device(approver)
    client.post("/accounts/login/", {"username": "approver", "password": PASSWORD})
    client.post(reverse("two-factor-verify"), {"token": code_for(device), "next": "/profile/"})

    client.post(reverse("token-create"), {"name": "reporting script"})

    token = ApiToken.objects.get(user=approver)
    assert token.is_two_factor_verified is True


def test_wrong_codes_on_the_web_count_towards_the_lockout_too(client, approver, settings):
    device = confirmed_device(approver)
    client.post("/accounts/login/", {"username": "approver", "password": PASSWORD})
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("two-factor-verify"), {"token": "000000"})
    device.refresh_from_db()
    device.throttle_reset()

    assert _token_login("approver", otp=code_for(device)).status_code == 429
