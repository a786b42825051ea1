"""The API keeps answering when the throttles' cache (Redis) is unreachable."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens here
    }
}


def test_api_reads_work_while_the_throttle_cache_is_down(api_as, ministry, settings):
    client = api_as(ministry)
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get(reverse("api:me"))

    assert response.status_code == 200
    assert response.json()["username"] == "ministry"


def test_token_login_works_while_the_throttle_cache_is_down(client, ministry, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.post(
        reverse("api:token-login"),
        {"username": "ministry", "password": "wrong", "name": "script"},
    )

    assert response.status_code == 400  # answered on its merits, not a 500


def test_token_login_stays_throttled_while_the_throttle_cache_is_down(ministry, settings):
    from rest_framework.test import APIClient

    from portal.api.throttling import LOCAL_FALLBACK

    settings.CACHES = UNREACHABLE_REDIS
    LOCAL_FALLBACK.clear()
    client = APIClient()
    url = reverse("api:token-login")

    # A different username each time: the lockout (per user) is not what refuses them.
    codes = [
        client.post(url, {"username": f"guess{n}", "password": "x"}, format="json").status_code
        for n in range(7)
    ]

    assert codes[:5] == [400] * 5  # the test settings allow 5 a minute
    assert codes[5:] == [429, 429]
