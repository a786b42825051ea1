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


# What the schema says about inputs (portal/api/schema.py, portal/api/concurrency.py) ----------


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}", operation


def test_every_operation_reading_if_match_gives_its_form_and_its_three_refusals(openapi):
    from portal.api.concurrency import IF_MATCH_PATTERN

    declaring = {}
    for label, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "If-Match":
                declaring[label] = (parameter, operation["responses"])

    assert {label.split(" ")[0] for label in declaring} == {"POST", "PUT", "PATCH"}
    assert sum(label.endswith("/transitions/") for label in declaring) == 5
    for label, (parameter, responses) in declaring.items():
        assert parameter["required"] is True, label
        assert parameter["schema"]["pattern"] == IF_MATCH_PATTERN, label
        assert {"400", "412", "428"} <= responses.keys(), label


def test_strings_a_client_sends_may_not_hold_nul(openapi):
    import re

    from portal.api.schema import NO_NUL_PATTERN

    components = openapi["components"]["schemas"]
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for field, schema in component.get("properties", {}).items():
            if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
                assert re.search(schema["pattern"], "a\x00b") is None, (name, field)
    search = openapi["paths"]["/api/v1/search/"]["get"]["parameters"]
    q = next(p for p in search if p["name"] == "q")["schema"]
    assert [bool(re.search(q["pattern"], text)) for text in ["ab", "天", "a", "ab\x00"]] == [
        True,
        True,
        False,
        False,
    ]
    author = openapi["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    assert next(p for p in author if p["name"] == "author")["schema"]["pattern"] == NO_NUL_PATTERN


def test_verify_needs_a_non_empty_file(openapi):
    body = openapi["paths"]["/api/v1/mous/{id}/verify/"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    component = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]

    assert body["required"] is True
    assert component["required"] == ["file"]
    assert component["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "minLength": 1,
        "description": component["properties"]["file"]["description"],
    }


REQUIRED_QUERY = {"q": "screening"}  # valid values of the required query parameters (search)


def test_every_typed_query_parameter_refuses_what_its_schema_does_not_allow(
    openapi, api_as, ministry
):
    """Each enum, boolean and date of a list is refused outside its schema, and when empty:
    400, not a list quietly unfiltered (portal/api/filters.py)."""
    client = api_as(ministry)
    tried = []
    for label, operation in _operations(openapi):
        method, path = label.split(" ")
        if method != "GET" or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            typed = (
                "enum" in schema
                or "enum" in schema.get("items", {})
                or schema.get("type") == "boolean"
                or schema.get("format") == "date"
            )
            if parameter["in"] != "query" or not typed:
                continue
            for value in ["not-in-the-schema", ""]:
                response = client.get(path, {**REQUIRED_QUERY, parameter["name"]: value})
                tried.append(parameter["name"])
                assert response.status_code == 400, (label, parameter["name"], value)
                assert parameter["name"] in response.json()["error"]["fields"]

    assert {"status", "category", "role", "kind", "ordering", "archived", "current"} <= set(tried)
    assert {"overdue", "unread", "due_before", "starts_before", "starts_after"} <= set(tried)
