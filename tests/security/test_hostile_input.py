"""Hostile or broken input gets the API's JSON error, never a 500 or an HTML page."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from collaboration.models import Recommendation
from portal.api.parsers import MAX_JSON_DEPTH, json_depth
from tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000 + "]" * 1000


def _is_api_error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


def test_deeply_nested_json_to_the_token_endpoint_is_400_without_logging_in():
    response = APIClient().post("/api/v1/auth/token/", NESTED, content_type="application/json")

    _is_api_error(response, 400, "invalid")
    assert "nested too deeply" in response.json()["error"]["message"]


def test_deeply_nested_json_on_create_edit_and_comment_changes_nothing(api_as, nih_expert, team):
    recommendation = RecommendationFactory(authors=[nih_expert])
    client = api_as(nih_expert)
    urls = [
        ("post", reverse("api:recommendation-list")),
        ("patch", reverse("api:recommendation-detail", args=[recommendation.pk])),
        ("post", reverse("api:recommendation-comments", args=[recommendation.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(
            url,
            NESTED,
            content_type="application/json",
            HTTP_IF_MATCH=f'"{recommendation.version}"',
        )
        _is_api_error(response, 400, "invalid")
    assert Recommendation.objects.count() == 1
    assert recommendation.comments.count() == 0


def test_ordinary_nesting_is_accepted_and_strings_do_not_count():
    assert json_depth(b'{"a": [{"b": [1, 2]}]}') == 4
    assert json_depth(json.dumps({"text": "[[[[" * 100 + '\\"'}).encode()) == 1
    assert json_depth(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode()) == MAX_JSON_DEPTH


def test_a_json_body_over_the_size_limit_is_413_in_json(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"username": "x" * 4096, "password": "y"})

    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    _is_api_error(response, 413, "payload_too_large")


def test_a_form_body_over_the_size_limit_is_413_in_json(settings, api_as, ministry):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "username=" + "x" * 4096 + "&password=y"

    response = APIClient().post(
        "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded"
    )

    _is_api_error(response, 413, "payload_too_large")


def test_too_many_fields_is_400_in_json():
    body = "&".join(f"f{i}=1" for i in range(1200))

    response = APIClient().post(
        "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded"
    )

    _is_api_error(response, 400, "invalid")


def test_a_non_integer_id_is_404_in_json(api_as, ministry):
    client = api_as(ministry)
    for url in [
        "/api/v1/recommendations/abc/",
        "/api/v1/visits/1x/",
        "/api/v1/mous/%20/",
        "/api/v1/reports/abc/download/?format=pdf",
    ]:
        response = client.get(url)
        _is_api_error(response, 404, "not_found")


def test_a_download_error_is_labelled_json_whatever_format_was_asked(api_as, ministry):
    for query in ["?format=pdf", "?format=xlsx", ""]:
        response = api_as(ministry).get(f"/api/v1/reports/999999/download/{query}")
        _is_api_error(response, 404, "not_found")


def test_anonymous_and_bad_token_calls_are_throttled_at_the_anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/minute",
        },
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        cache.clear()
        anonymous = APIClient()
        guesser = APIClient()
        guesser.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
        codes = [anonymous.get("/api/v1/me/").status_code for _ in range(3)]
        codes += [guesser.get("/api/v1/me/").status_code for _ in range(2)]
    finally:
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    assert codes == [401, 401, 401, 429, 429]
