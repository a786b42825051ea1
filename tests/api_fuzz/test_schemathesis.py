"""API fuzzing: Schemathesis sends generated requests to every operation of the OpenAPI schema.

The schema is built in-process by drf-spectacular, the requests go through the Django WSGI
application against the test database, seeded with the demo programme so that detail paths
are tried on real records as well as on made-up ids. Every response must be no 5xx and must
agree with the schema: a documented status code, content type, headers and body.

Every check Schemathesis has runs (`call_and_validate` without `checks=`): beyond "no 5xx" and
the response's conformance, schema-valid requests must be accepted (`positive_data_acceptance`),
schema-violating ones refused (`negative_data_rejection`), a missing required header refused,
and a call without credentials refused (`ignored_auth`). What the checks expect is set once, in
`FUZZ_CONFIG`, with the reasons.

Every operation runs as the ministry (who may do most things); the writes run again as the
NIH lead (who drafts recommendations), the reads as the API client and BGI's liaison, whose
answers are narrower (403/404, a shared shape) and must be documented too. Each test runs
inside a transaction that is rolled back, so writes made by the fuzzer never reach other tests.
The anonymous and per-user rates are raised for the module: `ignored_auth` repeats calls without
credentials, which count towards the `anon` rate (tests/security/test_hostile_input.py proves
that 429); the rate limit is not what these tests are about.

Fixed: `portal/api/schema.py` (error responses, minItems, anyOf, no NUL in strings, a file's
minLength), JSON 404/500 under /api/, strict filters (portal/api/filters.py), If-Match's form
(portal/api/concurrency.py).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from portal.models import ApiToken, User

# What the checks expect, beyond Schemathesis' defaults, and why.
# 412: a schema-valid If-Match ("7") names a version the record may not have any more; whether
# it is current depends on the server's state, which the schema cannot say.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
FUZZ_CONFIG = {
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ACCEPTED},
        # 428 Precondition Required is the status for a missing If-Match (RFC 6585).
        "missing_required_header": {
            "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]
        },
    },
    # 400 to a schema-valid body that names what does not exist, which a schema cannot say:
    "operations": [
        # a username and password of the right shape that are not an account's;
        {
            "include-name": "POST /api/v1/auth/token/",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        # a recommendation's priority areas (slugs) and capabilities (ids) that are not on record.
        {
            "include-name": [
                "POST /api/v1/recommendations/",
                "PUT /api/v1/recommendations/{id}/",
                "PATCH /api/v1/recommendations/{id}/",
            ],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        # The writes of visits, MoU drafting, meetings and action items: ids of people,
        # members, sites, meetings, priority areas and clauses that are not on record (or not
        # choosable), and rules between fields that a schema cannot say (a return before the
        # departure, an end before the start); 422 when the fuzzer sends one Idempotency-Key
        # with two different bodies.
        {
            "include-name": [
                "POST /api/v1/visits/",
                "PUT /api/v1/visits/{id}/",
                "PATCH /api/v1/visits/{id}/",
                "POST /api/v1/visits/{id}/members/",
                "PATCH /api/v1/visits/{id}/members/{member_id}/",
                "POST /api/v1/visits/{id}/objectives/",
                "POST /api/v1/visits/{id}/itinerary/",
                "PATCH /api/v1/visits/{id}/itinerary/{item_id}/",
                "POST /api/v1/mous/{id}/clauses/",
                "PATCH /api/v1/mous/{id}/clauses/{clause_id}/",
                "POST /api/v1/mous/{id}/versions/",
                "POST /api/v1/mous/{id}/clauses/override/",
                "POST /api/v1/mous/{id}/versions/{number}/comments/",
                "POST /api/v1/meetings/",
                "PUT /api/v1/meetings/{id}/",
                "PATCH /api/v1/meetings/{id}/",
                "POST /api/v1/meetings/{id}/decisions/",
                "POST /api/v1/action-items/",
                "PUT /api/v1/action-items/{id}/",
                "PATCH /api/v1/action-items/{id}/",
                # the gene bank's register and transfers: cohorts, agreements, approvals and
                # consent versions that are not on record; a validity that ends before it starts
                "POST /api/v1/genebank/agreements/",
                "POST /api/v1/genebank/approvals/",
                "POST /api/v1/genebank/transfers/",
                "POST /api/v1/genebank/cohorts/{id}/progress/",
                "POST /api/v1/genebank/cohorts/{id}/consent-versions/",
            ],
            "checks": {
                "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400", "422"]}
            },
        },
    ],
}
# Bounded so the file runs in CI in under a minute; derandomized so a failure repeats.
# API_FUZZ_EXAMPLES=200 digs deeper locally (personas get a little over half as many).
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
PERSONA_SETTINGS = hypothesis_settings(FUZZ_SETTINGS, max_examples=max(MAX_EXAMPLES * 6 // 10, 1))
RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
WSGI_APP = get_wsgi_application()


def load_schema(*, coverage: bool) -> Any:
    """The schema served by the app in-process. The coverage phase (boundary and malformed
    values for every parameter: "0.5" for an id, "" for a date, nulls) runs once, as the
    ministry; the other personas get the random phase only, which keeps the file fast."""
    # The schema's request examples are for readers: they name records of the demo (ids,
    # slugs) this database need not hold, and Schemathesis would build them while collecting,
    # before there is a database; the generated cases cover the same operations.
    config = schemathesis.Config.from_dict(
        {
            **FUZZ_CONFIG,
            "phases": {"coverage": {"enabled": coverage}, "examples": {"enabled": False}},
        }
    )
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(RAW_SCHEMA), config=config)
    loaded.app = WSGI_APP
    loaded.hook(flatmap_path_parameters)
    return loaded


# Real records behind the path parameters -----------------------------------------------------


@dataclass
class Programme:
    """The seeded demo programme: the users, their API keys and the real path values."""

    users: dict[str, User]
    media: Path
    keys: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)


def _router_models() -> dict[str, tuple[Any, str]]:
    """Each router prefix's model and lookup field, e.g. "mous" -> (Mou, "pk")."""
    from portal.api.urls import router

    found = {}
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            continue
        lookup = getattr(viewset, "lookup_field", "pk")
        found[prefix] = (queryset.model, "pk" if lookup == "id" else lookup)
    return found


ROUTER_MODELS = _router_models()


def real_path_values(path: str, path_parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """Path parameters naming records that exist, for the operation at `path`."""
    parts = path.strip("/").split("/")  # ["api", "v1", "<prefix>", "{id}", ...]
    if len(parts) < 4:
        return []
    prefix = parts[2]
    if prefix == "trace":
        from search.traceability import MODELS

        return [
            {"kind": kind, "id": pk}
            for kind, model in MODELS.items()
            for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:3]
        ]
    if prefix not in ROUTER_MODELS:
        return []
    model, lookup = ROUTER_MODELS[prefix]
    name = parts[3].strip("{}")
    if "number" in path_parameters:
        from mou.models import MouVersion

        return [
            {name: mou_id, "number": number}
            for mou_id, number in MouVersion.objects.order_by("pk").values_list("mou_id", "number")
        ]
    for inner, (inner_model, parent) in _nested_models().items():
        if inner in path_parameters:
            rows = inner_model.objects.order_by("pk").values_list(parent, "pk")[:10]
            return [{name: parent_id, inner: pk} for parent_id, pk in rows]
    values = model.objects.order_by("pk").values_list(lookup, flat=True)[:10]
    return [{**path_parameters, name: value} for value in values]


def _nested_models() -> dict[str, tuple[Any, str]]:
    """A record inside another (a visit's member): its path parameter, model and parent."""
    from delegations.models import DelegationMember, ItineraryItem
    from mou.models import Clause

    return {
        "member_id": (DelegationMember, "visit_id"),
        "item_id": (ItineraryItem, "visit_id"),
        "clause_id": (Clause, "mou_id"),
    }


def _path_parameters_valid(path: str, method: str, path_parameters: dict[str, Any]) -> bool:
    """Whether generated path parameters agree with the schema (a negative case's may not)."""
    operation = RAW_SCHEMA["paths"][path][method.lower()]
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path" or parameter["name"] not in path_parameters:
            continue
        value = path_parameters[parameter["name"]]
        if not Draft4Validator(parameter.get("schema", {})).is_valid(value):
            return False
    return True


def flatmap_path_parameters(context, path_parameters):
    """Half the time, swap generated ids for ones that exist, so detail paths reach records.
    Only valid ones: a negative case whose wrong part is its path must keep it wrong."""
    if not path_parameters:
        return st.just(path_parameters)
    operation = context.operation
    if not _path_parameters_valid(operation.path, operation.method, path_parameters):
        return st.just(path_parameters)
    real = real_path_values(context.operation.path, path_parameters)
    if not real:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(real))


schema = load_schema(coverage=True)
persona_schema = load_schema(coverage=False)
read_schema = persona_schema.include(method="GET")
write_schema = persona_schema.exclude(method="GET")


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Programme]:
    """The demo programme, seeded once for the module and rolled back at its end."""
    from collaboration.demo import seed_collaboration
    from delegations.demo import seed_delegation
    from mou.demo import seed_mou
    from portal.demo import DEMO_USERS, seed_users
    from portal.services import api_token_create

    media = tmp_path_factory.mktemp("fuzz-media")
    # As Django's test client does: the handler must not close the connection that holds the
    # test's transaction at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=str(media)):
                seed_users(password=settings.DEMO_PASSWORD)
                names = [data.username for data in DEMO_USERS]
                users = {u.username: u for u in User.objects.filter(username__in=names)}
                programme = seed_collaboration(users=users)
                seed_delegation(programme=programme, users=users)
                seed_mou(programme=programme, users=users)
            seeded = Programme(users=users, media=media)
            for name in ("ministry", "nih_lead", "api_client", "bgi_liaison"):
                token, key = api_token_create(user=users[name], name="fuzz", actor=users[name])
                seeded.keys[name] = key
                seeded.token_ids[name] = token.pk
            yield seeded
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def caller(seeded, db, settings):
    """Returns headers for a persona's API token, made active again if a case revoked it."""
    settings.MEDIA_ROOT = str(seeded.media)

    def _headers(name: str) -> dict[str, str]:
        ApiToken.objects.filter(pk=seeded.token_ids[name]).update(revoked_at=None)
        return {"Authorization": f"Token {seeded.keys[name]}"}

    return _headers


@pytest.fixture(autouse=True)
def rates_out_of_the_way(monkeypatch):
    """The anonymous and per-user rates, high enough never to answer 429 here (see the module
    docstring); the token endpoint keeps its own."""
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "100000/minute", "user": "100000/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


# The fuzz tests ------------------------------------------------------------------------------


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_the_ministry_conforms_to_the_schema(case, caller):
    case.call_and_validate(headers=caller("ministry"))


@write_schema.parametrize()
@PERSONA_SETTINGS
def test_write_operations_as_the_nih_lead_conform_to_the_schema(case, caller):
    case.call_and_validate(headers=caller("nih_lead"))


@read_schema.parametrize()
@PERSONA_SETTINGS
def test_read_operations_as_the_api_client_conform_to_the_schema(case, caller):
    case.call_and_validate(headers=caller("api_client"))


@read_schema.parametrize()
@PERSONA_SETTINGS
def test_read_operations_as_bgi_liaison_conform_to_the_schema(case, caller):
    case.call_and_validate(headers=caller("bgi_liaison"))


# Requests the fuzzer found failing, kept as fixed examples ---------------------------------

VISIT = object()  # stands for the seeded visit's id
MOU = object()  # stands for the seeded MoU's id
MALFORMED = [
    # Ids the router does not match get the API's JSON 404, not the HTML page.
    pytest.param("GET", "/api/v1/visits/{id}/", {"id": "0.5"}, {}, {}, None, 404, id="dotted-id"),
    pytest.param(
        "GET", "/api/v1/visits/{id}/calendar.ics", {"id": "AAA"}, {}, {}, None, 404, id="ics-id"
    ),
    pytest.param(
        "GET", "/api/v1/visits/{id}/", {"id": 10**20}, {}, {}, None, 404, id="id-past-bigint"
    ),
    pytest.param(
        "GET", "/api/v1/visits/", {}, {"page": str(10**20)}, {}, None, 404, id="page-too-far"
    ),
    pytest.param(
        "GET", "/api/v1/visits/", {}, {"starts_before": "soon"}, {}, None, 400, id="bad-filter"
    ),
    pytest.param("GET", "/api/v1/search/", {}, {"q": "a" * 500}, {}, None, 400, id="long-query"),
    pytest.param(
        "GET", "/api/v1/mous/{id}/diff/", {"id": MOU}, {"from": "x", "to": "1"}, {}, None, 400,
        id="bad-version-number",
    ),
    pytest.param(
        "POST", "/api/v1/visits/{id}/transitions/", {"id": VISIT}, {}, {"If-Match": 'W/"abc"'},
        {"transition": "approve"}, 400, id="unreadable-if-match",
    ),
    pytest.param(
        "POST", "/api/v1/visits/{id}/transitions/", {"id": VISIT}, {}, {"If-Match": 'W/""'},
        {"transition": "approve"}, 400, id="empty-weak-if-match",
    ),
    pytest.param(
        "POST", "/api/v1/visits/{id}/transitions/", {"id": VISIT}, {}, {"If-Match": '"999999"'},
        {"transition": "cancel", "comment": "No."}, 412, id="stale-if-match",
    ),
    # Typed filters: a value outside the schema is refused, not read as "no filter".
    pytest.param(
        "GET", "/api/v1/action-items/", {}, {"overdue": "null"}, {}, None, 400, id="junk-boolean"
    ),
    pytest.param(
        "GET", "/api/v1/team-members/", {}, {"current": "1"}, {}, None, 400, id="boolean-not-true"
    ),
    pytest.param(
        "GET", "/api/v1/visits/", {}, {"starts_before": ""}, {}, None, 400, id="empty-date"
    ),
    pytest.param("GET", "/api/v1/mous/", {}, {"status": ""}, {}, None, 400, id="empty-enum"),
    pytest.param(
        "GET", "/api/v1/recommendations/", {}, {"ordering": "title,,status"}, {}, None, 400,
        id="empty-ordering-item",
    ),
    pytest.param(
        "GET", "/api/v1/notifications/", {}, {"unread": "yes"}, {}, None, 400, id="unread-yes"
    ),
    pytest.param(
        "GET", "/api/v1/search/", {}, {"q": "screening", "kind": ""}, {}, None, 400,
        id="empty-search-kind",
    ),
    pytest.param("GET", "/api/v1/visits/", {}, {"page": ""}, {}, None, 404, id="empty-page"),
    pytest.param(
        "GET", "/api/v1/visits/{id}/calendar.ics", {"id": VISIT}, {"format": ""}, {}, None, 404,
        id="empty-format",
    ),
    pytest.param("GET", "/api/v1/mous/", {}, {"status": "nope"}, {}, None, 400, id="off-enum"),
    pytest.param(
        "GET", "/api/v1/recommendations/", {}, {"author": "a\x00b"}, {}, None, 400, id="nul-query"
    ),
    pytest.param(
        "POST", "/api/v1/visits/{id}/transitions/", {"id": VISIT}, {}, {},
        {"transition": "approve"}, 428, id="missing-if-match",
    ),
    # Answers whose shape the schema used to contradict: an internal MoU matches the shared
    # shape too (oneOf), and an indicator value without a link has evidence_url "".
    pytest.param("GET", "/api/v1/mous/{id}/", {"id": MOU}, {}, {}, None, 200, id="mou-any-audience"),
    pytest.param("GET", "/api/v1/priority-areas/", {}, {}, {}, None, 200, id="blank-evidence-link"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "query", "headers", "body", "expected"), MALFORMED
)
def test_requests_the_fuzzer_found_get_a_documented_answer(
    caller, method, path, path_parameters, query, headers, body, expected
):
    from delegations.models import Visit
    from mou.models import Mou

    ids = {VISIT: Visit.objects.order_by("pk")[0].pk, MOU: Mou.objects.order_by("pk")[0].pk}
    path_parameters = {name: ids.get(value, value) for name, value in path_parameters.items()}
    kwargs: dict[str, Any] = {"path_parameters": path_parameters, "query": query}
    kwargs["headers"] = headers
    if body is not None:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = schema[path][method].Case(**kwargs)

    response = case.call_and_validate(headers=caller("ministry"))

    assert response.status_code == expected
    if expected >= 400:
        assert "error" in response.json()
