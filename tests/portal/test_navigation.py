"""Each role sees the navigation it may use, and nothing else (one table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

API_DOCS = "API docs"
ADMIN = "Users &amp; roles"

NAV_TABLE = {
    # persona: (sees API docs, sees administration)
    "ministry": (True, False),
    "approver": (True, False),
    "nih_lead": (True, False),
    "nih_expert": (True, False),
    "bgi_liaison": (False, False),
    "api_client": (True, False),
    "administrator": (True, True),
}


@pytest.mark.parametrize(("name", "expected"), NAV_TABLE.items())
def test_each_role_sees_its_navigation(client, persona, name, expected):
    sees_api_docs, sees_admin = expected
    client.force_login(persona(name))

    html = client.get(reverse("home")).content.decode()

    nav = html.split('aria-label="Main navigation"', 1)[1].split("</nav>", 1)[0]
    assert ">Home</a>" in nav
    assert (API_DOCS in nav) is sees_api_docs
    assert (ADMIN in nav) is sees_admin


def test_home_page_names_the_users_roles(client, nih_lead):
    client.force_login(nih_lead)

    html = client.get(reverse("home")).content.decode()

    assert "NIH lead" in html


def test_home_page_query_count_is_small(client, ministry, django_assert_max_num_queries):
    client.force_login(ministry)

    # Home is the ministry's dashboard: a fixed set of aggregate reads (see tests/overview).
    with django_assert_max_num_queries(45):
        assert client.get(reverse("home")).status_code == 200


def test_the_signed_in_user_and_their_roles_come_in_one_query(client, nih_lead):
    if connection.vendor != "postgresql":
        pytest.skip("roles are read with the user on PostgreSQL")
    client.force_login(nih_lead)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("profile")).content.decode()

    assert "NIH lead" in html
    assert not [q for q in queries.captured_queries if 'SELECT "auth_group"."name"' in q["sql"]]
