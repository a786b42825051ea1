import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import ApiToken

pytestmark = pytest.mark.django_db


def test_user_creates_a_named_token_and_sees_the_key_once(client, nih_expert):
    client.force_login(nih_expert)

    page = client.post(reverse("token-create"), {"name": "dashboard"}, follow=True)

    html = page.content.decode()
    token = ApiToken.objects.get(user=nih_expert)
    key = html.split('data-testid="new-token-key">', 1)[1].split("<", 1)[0]
    assert token.name == "dashboard"
    assert key.startswith(token.prefix)
    assert "Token “dashboard” created." in html
    assert 'data-testid="new-token-key"' not in client.get(reverse("profile")).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(reverse("api:me")).status_code == 200


def test_token_without_a_name_is_refused_with_a_field_error(client, nih_expert):
    client.force_login(nih_expert)

    response = client.post(reverse("token-create"), {"name": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_user_revokes_a_token_from_the_profile_page(client, nih_expert, api_as):
    api_as(nih_expert)
    token = ApiToken.objects.get(user=nih_expert)
    client.force_login(nih_expert)

    page = client.post(reverse("token-revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Token “test” revoked." in page.content.decode()


def test_user_cannot_revoke_someone_elses_token(client, nih_expert, nih_lead, api_as):
    api_as(nih_lead)
    token = ApiToken.objects.get(user=nih_lead)
    client.force_login(nih_expert)

    response = client.post(reverse("token-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_user_updates_their_profile_and_history_records_them(client, nih_expert):
    client.force_login(nih_expert)

    response = client.post(
        reverse("profile"),
        {
            "full_name": "Dr Bilal Ahmed",
            "title": "Haematologist",
            "email": "bilal@nih.example",
            "preferred_language": "ur",
            "time_zone": "Asia/Shanghai",
        },
    )

    assert response.status_code == 302
    nih_expert.refresh_from_db()
    assert (nih_expert.time_zone, nih_expert.preferred_language) == ("Asia/Shanghai", "ur")
    latest = nih_expert.history.latest()
    assert latest.history_user == nih_expert
    assert latest.time_zone == "Asia/Shanghai"


def test_profile_refuses_an_unknown_time_zone_and_changes_nothing(client, nih_expert):
    client.force_login(nih_expert)

    response = client.post(
        reverse("profile"),
        {
            "full_name": "X",
            "email": "x@nih.example",
            "preferred_language": "en",
            "time_zone": "Mars/Olympus",
        },
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    nih_expert.refresh_from_db()
    assert nih_expert.time_zone == "Asia/Karachi"


def test_pages_show_times_in_the_viewers_time_zone(client, nih_expert):
    nih_expert.time_zone = "Asia/Shanghai"
    nih_expert.save(update_fields=["time_zone"])
    client.force_login(nih_expert)

    assert "Times shown in Asia/Shanghai" in client.get(reverse("home")).content.decode()
