"""Behind the TLS proxy every request comes from the proxy: the client's own address is read
from X-Forwarded-For only when TRUSTED_PROXIES names the proxy, and the lockout keys on it."""

import pytest
from django.test import RequestFactory

from portal.security import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(_request(PROXY, "203.0.113.9")) == PROXY


def test_a_trusted_proxy_passes_on_the_client_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_ip(_request(PROXY, "203.0.113.9")) == "203.0.113.9"
    # A client cannot put a made-up address in front: the right-most untrusted hop wins.
    assert client_ip(_request(PROXY, "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(PROXY, "garbage")) == PROXY


def test_an_untrusted_sender_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(
    client, ministry, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    owner = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "ministry", "password": "wrong"}, **attacker)

    locked = client.post(LOGIN, {"username": "ministry", "password": PASSWORD}, **attacker)
    owner_login = client.post(LOGIN, {"username": "ministry", "password": PASSWORD}, **owner)

    assert locked.status_code == 429
    assert owner_login.status_code == 302
