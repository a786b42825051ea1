"""Django's own 404 and 500 answers under /api/ are the API's JSON error, not HTML pages."""

import json

import pytest
from django.test import RequestFactory

from portal.views import error_500

pytestmark = pytest.mark.django_db


def test_an_unmatched_api_path_answers_the_json_404(api_as, ministry):
    response = api_as(ministry).get("/api/v1/visits/0.5/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_a_server_error_under_the_api_is_json():
    response = error_500(RequestFactory().get("/api/v1/visits/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == "server_error"


def test_pages_outside_the_api_keep_their_html_error_pages(client, ministry):
    client.force_login(ministry)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content
