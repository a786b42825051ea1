"""BGI's liaison and the API client reach no internal data by any path: every list the API
answers them with, with or without filters, holds only what is theirs to see."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.permissions.routes import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permission-matrix")]

LISTS = sorted(r.name for r in all_routes() if r.is_api and r.name.endswith("-list"))
# Filters a client might try to widen what it is given.
FILTERS = [{}, {"status": "draft"}, {"archived": "true"}, {"search": "a"}, {"page_size": "1000"}]


def _ids(response) -> set:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {row.get("id") or row.get("slug") for row in rows}


def _allowed_to_bgi(world) -> dict[str, set]:
    """What BGI's liaison may find in each list: shared records and its own things only."""
    from delegations.models import Site
    from genebank.models import Transfer

    user = world.users["bgi_liaison"]
    return {
        "api:visit-list": {world.visit.pk},  # the demo visit is shared; the one under way is not
        "api:mou-list": {world.mou.pk},  # the MoU with a shared version; not the signed one
        "api:site-list": set(Site.objects.values_list("pk", flat=True)),
        "api:token-list": set(user.api_tokens.values_list("pk", flat=True)),
        "api:notification-list": set(),
        # Transfers addressed to BGI that the ministry approved (one approved, one received);
        # never the draft.
        "api:transfer-list": set(
            Transfer.objects.filter(reference__in=["TR-2026-001", "TR-2026-002"]).values_list(
                "pk", flat=True
            )
        ),
        "api:event-list": _events_about_shared_things(world),
    }


def _events_about_shared_things(world) -> set:
    """Events of the shared visit and MoU, of versions shared with BGI, and of the comments on
    them that BGI wrote or was shown: nothing else of the outbox."""
    from django.db.models import Q

    from events.models import Event
    from mou.models import ClauseComment, MouVersion

    shared_versions = MouVersion.objects.filter(is_shared_with_bgi=True)
    comments = ClauseComment.objects.filter(version__in=shared_versions).filter(
        Q(is_from_bgi=True) | Q(is_visible_to_bgi=True)
    )
    about = [
        ("visit", [world.visit.pk]),
        ("mou", [world.mou.pk]),
        ("mouversion", shared_versions.values_list("pk", flat=True)),
        ("clausecomment", comments.values_list("pk", flat=True)),
    ]
    rows = Event.objects.none()
    for model, ids in about:
        rows |= Event.objects.filter(subject_type__model=model, subject_id__in=list(ids))
    return set(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("name", LISTS)
def test_bgi_liaison_lists_hold_only_what_is_shared(name, world, settings):
    settings.MEDIA_ROOT = world.media_root
    allowed = _allowed_to_bgi(world).get(name, set())
    client = Client(HTTP_AUTHORIZATION=f"Token {world.tokens['bgi_liaison']}")

    for params in FILTERS:
        response = client.get(reverse(name), params)

        assert response.status_code in (200, 400, 403, 404), (name, params)
        if response.status_code == 200:
            assert _ids(response) <= allowed, (name, params, _ids(response) - allowed)


@pytest.mark.parametrize("name", LISTS)
def test_api_client_lists_hold_no_personal_or_other_users_things(name, world, settings):
    settings.MEDIA_ROOT = world.media_root
    user = world.users["api_client"]
    own = {
        "api:token-list": set(user.api_tokens.values_list("pk", flat=True)),
        "api:notification-list": set(),
        "api:report-list": set(),
    }
    client = Client(HTTP_AUTHORIZATION=f"Token {world.tokens['api_client']}")

    response = client.get(reverse(name))

    assert response.status_code in (200, 403, 404)
    if name in own and response.status_code == 200:
        assert _ids(response) <= own[name]


def test_the_world_has_internal_records_the_outsiders_must_not_find(world):
    """The lists above are only meaningful if there is something to hide."""
    from collaboration.models import ActionItem, Meeting, Recommendation
    from delegations.models import Visit
    from mou.models import Mou

    assert Recommendation.objects.exists()
    assert Meeting.objects.exists()
    assert ActionItem.objects.exists()
    assert Visit.objects.filter(is_shared_with_bgi=False).exists()
    assert Mou.objects.exclude(versions__is_shared_with_bgi=True).exists()
    from genebank.models import Transfer

    assert Transfer.objects.filter(status="draft").exists()
