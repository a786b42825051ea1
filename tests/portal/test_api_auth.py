import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import ApiToken
from portal.services import api_token_create, api_token_digest, api_token_revoke
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_api_answers_401_with_the_error_shape_without_a_token():
    response = APIClient().get(reverse("api:root"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
        }
    }


def test_api_root_answers_200_with_a_token(api_as, api_client):
    response = api_as(api_client).get(reverse("api:root"))

    assert response.status_code == 200
    assert response.json()["me"] == "http://testserver/api/v1/me/"
    assert response.json()["docs"] == "http://testserver/api/docs/"


def test_me_returns_the_user_and_roles(api_as, nih_lead):
    body = api_as(nih_lead).get(reverse("api:me")).json()

    assert body["username"] == "nih_lead"
    assert body["roles"] == ["nih_lead"]
    assert body["organisation"] == "nih"


def test_a_revoked_token_stops_working(nih_expert):
    token, key = api_token_create(user=nih_expert, name="laptop", actor=nih_expert)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:me")).status_code == 200

    api_token_revoke(token=token, actor=nih_expert)

    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_token_is_stored_only_as_its_digest(nih_expert):
    token, key = api_token_create(user=nih_expert, name="laptop", actor=nih_expert)

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == api_token_digest(key)
    assert key not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == key[:8]


def test_token_of_a_deactivated_user_stops_working(api_as, nih_expert):
    client = api_as(nih_expert)
    nih_expert.is_active = False
    nih_expert.save(update_fields=["is_active"])

    assert client.get(reverse("api:me")).status_code == 401


def test_script_gets_a_token_with_username_and_password(ministry):
    response = APIClient().post(
        reverse("api:token-login"), {"username": "ministry", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    key = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:me")).json()["username"] == "ministry"


def test_token_login_with_a_wrong_password_is_400_and_creates_nothing(ministry):
    response = APIClient().post(
        reverse("api:token-login"), {"username": "ministry", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["Unable to log in with those credentials."]
    }
    assert ApiToken.objects.count() == 0


def test_token_login_reports_missing_fields(db):
    response = APIClient().post(reverse("api:token-login"), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_token_login_is_throttled(ministry):
    client = APIClient()
    url = reverse("api:token-login")
    # A different username each time: the throttle counts per address, while the lockout
    # (tests/security) counts per username and address.
    statuses = [
        client.post(url, {"username": f"user{i}", "password": "nope"}, format="json").status_code
        for i in range(6)
    ]

    assert statuses == [400] * 5 + [429]
    assert client.post(url, {}, format="json").json()["error"]["code"] == "throttled"


def test_user_lists_only_their_own_tokens_and_revokes_with_delete(api_as, nih_expert, nih_lead):
    api_token_create(user=nih_lead, name="lead's", actor=nih_lead)
    client = api_as(nih_expert)
    listing = client.get(reverse("api:token-list")).json()
    assert [t["name"] for t in listing["results"]] == ["test"]
    token_id = listing["results"][0]["id"]

    response = client.delete(reverse("api:token-detail", args=[token_id]))

    assert response.status_code == 204
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None
    assert client.get(reverse("api:me")).status_code == 401


def test_someone_elses_token_is_404(api_as, nih_expert, nih_lead):
    other, _key = api_token_create(user=nih_lead, name="lead's", actor=nih_lead)

    response = api_as(nih_expert).delete(reverse("api:token-detail", args=[other.pk]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    other.refresh_from_db()
    assert other.revoked_at is None


def test_pagination_honours_page_size_up_to_the_maximum(api_as, nih_expert):
    for n in range(3):
        api_token_create(user=nih_expert, name=f"t{n}", actor=nih_expert)
    client = api_as(nih_expert)

    body = client.get(reverse("api:token-list"), {"page_size": 2}).json()

    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def test_token_list_query_count_is_flat(api_as, nih_expert, django_assert_max_num_queries):
    for n in range(15):
        api_token_create(user=nih_expert, name=f"t{n}", actor=nih_expert)
    client = api_as(nih_expert)

    with django_assert_max_num_queries(4):
        assert client.get(reverse("api:token-list")).status_code == 200
