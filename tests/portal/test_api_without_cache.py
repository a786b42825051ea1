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
