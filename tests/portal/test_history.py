"""simple-history records the acting user for page, API and admin changes."""

import pytest
from django.urls import reverse

from portal.models import ApiToken

pytestmark = pytest.mark.django_db


def test_api_change_records_the_token_user(api_as, nih_expert):
    client = api_as(nih_expert)
    token = ApiToken.objects.get(user=nih_expert)

    client.delete(reverse("api:token-detail", args=[token.pk]))

    latest = token.history.latest()
    assert latest.revoked_at is not None
    assert latest.history_user == nih_expert


def test_admin_change_records_the_administrator(client, administrator, nih_expert):
    client.force_login(administrator)
    url = reverse("admin:portal_user_change", args=[nih_expert.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data.update(
        {
            "groups": [g.pk for g in nih_expert.groups.all()],
            "title": "Senior haematologist",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "user_permissions": [],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    nih_expert.refresh_from_db()
    assert nih_expert.title == "Senior haematologist"
    assert nih_expert.history.latest().history_user == administrator


def test_administrator_role_opens_the_admin_and_others_do_not(client, administrator, ministry):
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200

    client.force_login(ministry)
    assert client.get(reverse("admin:index")).status_code == 302
