import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    assert "openapi: 3.0.3" in text
    assert "/api/v1/auth/token/" in text
    assert "tokenAuth" in text


def test_schema_endpoint_needs_authentication(client):
    response = client.get(reverse("api:schema"))

    assert response.status_code == 401


def test_schema_endpoint_serves_openapi_to_a_token_client(api_as, api_client):
    response = api_as(api_client).get(reverse("api:schema"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Genomics Collaboration Portal API"


def test_api_docs_page_is_served_offline_for_a_logged_in_user(client, ministry):
    client.force_login(ministry)

    response = client.get(reverse("api-docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_api_docs_page_sends_an_anonymous_visitor_to_login(client):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
