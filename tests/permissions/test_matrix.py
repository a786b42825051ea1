"""The permission matrix: every URL of the portal, every method, as every role and as an anonymous
visitor, against one table of what each may do (`tests/permissions/access.py`).

Any success the table does not allow fails, a refusal where the table allows fails, and a URL
missing from the table fails. Each request runs in a savepoint that is rolled back, so one
identity's write never changes what the next one meets.
"""

import json
import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.permissions.access import ACCESS, API_METHODS, PAGE_METHODS
from tests.permissions.routes import KWARGS, POST_DATA, QUERY, all_routes
from tests.permissions.world import IDENTITIES

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permission-matrix")]

ROUTES = {route.name: route for route in all_routes() if not route.is_admin}
RECORD = os.environ.get("MATRIX_RECORD", "")

# What a response means for access: "ok" (served), "invalid" (let in, input refused),
# "login" (asked to authenticate), "denied" (refused, hidden or no such method), "throttled"
# (says nothing either way: a throttle answers before the view decides).
INVALID = {400, 409, 412, 422, 428}
DENIED = {403, 404, 405}


def outcome(response, *, leaves_to_login: bool) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 401:
        return "login"
    if status == 429:
        return "throttled"
    if status in DENIED:
        return "denied"
    if status in INVALID:
        return "invalid"
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if location.startswith(reverse("login")) and not leaves_to_login else "ok"
    return "ok"


def _call(world, route, identity: str, method: str, url: str):
    client = Client()
    extra = {}
    if identity != "anonymous":
        if route.is_api:
            extra["HTTP_AUTHORIZATION"] = f"Token {world.tokens[identity]}"
        else:
            client.force_login(world.users[identity])
    send = getattr(client, method.lower())
    cache.clear()  # throttle counters: each request is judged on its own
    with transaction.atomic():
        if method == "GET":
            query = QUERY[route.name](world) if route.name in QUERY else {}
            response = send(url, data=query, **extra)
        elif route.is_api:
            response = send(url, data={}, content_type="application/json", **extra)
        else:
            data = POST_DATA[route.name](world) if route.name in POST_DATA else {}
            response = send(url, data=data, **extra)
        transaction.set_rollback(True)
    # A file download holds its file open until the response closes; run only the response's
    # own closers, as `close()` would also signal the end of the request (which closes the
    # test's database connection).
    for closer in getattr(response, "_resource_closers", []):
        closer()
    return response


def test_every_url_is_in_the_table():
    assert sorted(set(ROUTES) - set(ACCESS)) == []


def test_the_table_names_no_url_that_does_not_exist():
    assert sorted(set(ACCESS) - set(ROUTES)) == []


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_identity_reaches_exactly_what_the_table_allows(name, world, settings):
    settings.MEDIA_ROOT = world.media_root
    route = ROUTES[name]
    if name not in ACCESS and not RECORD:
        pytest.fail(f"{name} ({route.pattern}) is missing from tests/permissions/access.py")
    has_params = "<" in route.pattern or "(?P<" in route.pattern
    if has_params and name not in KWARGS:
        if RECORD:
            return
        pytest.fail(f"{name} ({route.pattern}) has parameters but no record in routes.KWARGS")
    url = reverse(name, kwargs=KWARGS[name](world) if has_params else None)
    allowed = ACCESS.get(name, {})
    methods = API_METHODS if route.is_api else PAGE_METHODS
    seen, wrong = {}, []
    for method in methods:
        for identity in IDENTITIES:
            response = _call(world, route, identity, method, url)
            # Logging out ends on the login page: there, that redirect is the success.
            got = outcome(response, leaves_to_login=name == "logout" and identity != "anonymous")
            seen[f"{method} {identity}"] = got
            may = identity in allowed.get(method, ())
            if got.startswith("error"):
                wrong.append(f"{method} as {identity}: {got}")
            elif got == "throttled":
                continue
            elif may and (got in ("login", "denied") or (method == "GET" and got != "ok")):
                wrong.append(f"{method} as {identity}: allowed by the table but got {got}")
            elif not may and got in ("ok", "invalid"):
                wrong.append(f"{method} as {identity}: NOT allowed by the table but got {got}")
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": name, "pattern": route.pattern, "seen": seen}) + "\n")
        return
    assert wrong == [], f"{name} {url}:\n" + "\n".join(wrong)
