"""The read cache (portal/caching.py): cached reads are served until a programme record changes,
never to another user, and the page around cached content stays fresh."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from collaboration.models import Recommendation
from portal import caching
from portal.models import Notification
from portal.notifications import notification_mark_all_read, notification_mark_read
from tests.conftest import require_service
from tests.factories import (
    ActionItemFactory,
    PriorityAreaFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",  # nothing listens here
    }
}


def _request(user, path="/somewhere/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"computed": self.calls}


# The cache itself ------------------------------------------------------------------------------


def test_a_read_is_computed_once_until_a_watched_record_changes(ministry):
    compute = Counter()
    request = _request(ministry)

    first = caching.remember(request, "test", compute)
    second = caching.remember(request, "test", compute)
    recommendation = RecommendationFactory()
    third = caching.remember(request, "test", compute)
    recommendation.title = "Renamed"
    recommendation.save()
    fourth = caching.remember(request, "test", compute)

    assert (first, second, third, fourth) == (
        {"computed": 1},
        {"computed": 1},
        {"computed": 2},
        {"computed": 3},
    )


def test_a_value_computed_while_a_write_lands_is_not_served_afterwards(ministry):
    """The write's invalidation runs between the read of the data and the keeping of the
    value: the value kept is already stale, and the next read computes again."""
    request = _request(ministry)
    counts = {"read": 0, "kept": 0}

    def read():
        counts["read"] += 1
        if counts["read"] == 1:
            RecommendationFactory()  # lands while the first answer is being computed
        return counts["read"]

    def count():
        counts["kept"] += 1
        if counts["kept"] == 1:
            caching.forget("test:unread")
        return counts["kept"]

    first_read, second_read = (caching.remember(request, "test", read) for _ in range(2))
    first_kept, second_kept = (caching.kept("test:unread", count) for _ in range(2))

    assert (first_read, second_read) == (1, 2)
    assert (first_kept, second_kept) == (1, 2)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda r, u: r.authors.add(u), id="many-to-many add"),
        pytest.param(lambda r, u: r.authors.clear(), id="many-to-many clear"),
        pytest.param(lambda r, u: u.groups.clear(), id="a user's roles"),
        pytest.param(lambda r, u: PriorityAreaFactory(), id="another app model"),
        pytest.param(lambda r, u: r.priority_areas.first().delete(), id="delete"),
    ],
)
def test_every_kind_of_write_to_the_programme_bumps_the_generation(nih_expert, write):
    recommendation = RecommendationFactory(authors=[nih_expert])
    before = caching.current_generation()

    write(recommendation, nih_expert)

    assert caching.current_generation() > before


def test_writes_outside_the_programme_keep_cached_reads(ministry):
    compute = Counter()
    request = _request(ministry)
    caching.remember(request, "test", compute)

    Notification.objects.create(recipient=ministry, kind="action_item", title="Due", url="/")

    assert caching.remember(request, "test", compute) == {"computed": 1}


def test_a_read_is_never_shared_between_users_languages_or_addresses(ministry, approver):
    compute = Counter()

    caching.remember(_request(ministry), "test", compute)
    caching.remember(_request(approver), "test", compute)
    caching.remember(_request(ministry, "/somewhere/?page=2"), "test", compute)
    with translation.override("ur"):
        caching.remember(_request(ministry), "test", compute)
    caching.remember(_request(ministry), "test", compute, "another part")
    caching.remember(_request(ministry), "test", compute)  # the first one again

    assert compute.calls == 5


def test_nothing_is_cached_when_the_cache_is_turned_off(ministry, read_cache_off):
    compute = Counter()

    caching.remember(_request(ministry), "test", compute)
    caching.remember(_request(ministry), "test", compute)

    assert compute.calls == 2


def test_an_unreachable_cache_computes_every_read_and_writes_still_work(ministry, settings):
    settings.CACHES = UNREACHABLE_REDIS
    compute = Counter()

    caching.remember(_request(ministry), "test", compute)
    RecommendationFactory()  # bumping the generation must not break the write
    caching.remember(_request(ministry), "test", compute)

    assert compute.calls == 2
    assert Recommendation.objects.count() == 1


# What users see -------------------------------------------------------------------------------


def test_the_api_list_shows_a_recommendation_created_and_renamed_through_the_api(
    api_as, team, nih_expert
):
    area = PriorityAreaFactory(slug="thalassemia")
    client = api_as(nih_expert)
    url = reverse("api:recommendation-list")
    assert client.get(url).json()["count"] == 0

    created = client.post(
        url,
        {"title": "Carrier screening", "summary": "Screen couples.", "priority_areas": [area.slug]},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = client.get(url).json()
    assert [row["title"] for row in listed["results"]] == ["Carrier screening"]

    detail = reverse("api:recommendation-detail", args=[created.json()["id"]])
    renamed = client.patch(
        detail, {"title": "Premarital carrier screening", "note": "Title"}, HTTP_IF_MATCH='"1"'
    )
    assert renamed.status_code == 200, renamed.content
    listed = client.get(url).json()
    assert [row["title"] for row in listed["results"]] == ["Premarital carrier screening"]


def test_a_recommendation_read_again_after_an_edit_has_the_new_text_and_etag(
    api_as, team, nih_expert, bgi_liaison
):
    recommendation = RecommendationFactory(title="Old title", authors=[nih_expert])
    client = api_as(nih_expert)
    url = reverse("api:recommendation-detail", args=[recommendation.pk])
    assert client.get(url)["ETag"] == '"1"'
    assert client.get(url, HTTP_IF_NONE_MATCH='"1"').status_code == 304

    edited = client.patch(url, {"title": "New title", "note": "Title"}, HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH='"1"')

    assert again.status_code == 200
    assert again["ETag"] == '"2"'
    assert again.json()["title"] == "New title"
    assert api_as(bgi_liaison).get(url).status_code == 404


def test_the_api_list_gives_each_user_their_own_available_steps(api_as, team, nih_lead, ministry):
    RecommendationFactory(status=Recommendation.Status.TEAM_REVIEW)
    url = reverse("api:recommendation-list")

    lead_steps = api_as(nih_lead).get(url).json()["results"][0]["available_transitions"]
    ministry_steps = api_as(ministry).get(url).json()["results"][0]["available_transitions"]

    assert "endorse" in lead_steps
    assert ministry_steps == []


def test_the_list_page_shows_a_renamed_recommendation(client, team, nih_expert):
    recommendation = RecommendationFactory(title="Newborn screening pilot")
    url = reverse("collaboration:recommendation-list")
    client.force_login(nih_expert)
    before = client.get(url).content.decode()

    recommendation.title = "Newborn screening in Islamabad"
    recommendation.save()
    after = client.get(url).content.decode()

    assert "Newborn screening pilot" in before
    assert "Newborn screening in Islamabad" in after
    assert "Newborn screening pilot" not in after


def test_the_list_page_of_one_user_is_never_shown_to_another(team, nih_expert, ministry):
    RecommendationFactory(title="Newborn screening pilot")
    url = reverse("collaboration:recommendation-list")
    expert, staff = Client(), Client()
    expert.force_login(nih_expert)  # both log in first: a login is a write
    staff.force_login(ministry)

    expert_page = expert.get(url).content.decode()
    ministry_page = staff.get(url).content.decode()

    assert "New recommendation" in expert_page
    assert "Newborn screening pilot" in ministry_page
    assert "New recommendation" not in ministry_page


def test_the_page_around_cached_content_stays_fresh(client, team, ministry):
    RecommendationFactory()
    url = reverse("collaboration:recommendation-list")
    client.force_login(ministry)
    client.get(url)  # the content is cached now

    Notification.objects.create(recipient=ministry, kind="action_item", title="Due", url="/")
    page = client.get(url).content.decode()

    assert 'data-testid="unread-count">1<' in page


def test_the_dashboard_shows_a_renamed_priority_area(client, ministry):
    area = PriorityAreaFactory(name="Thalassemia prevention")
    client.force_login(ministry)
    before = client.get(reverse("home")).content.decode()

    area.name = "Thalassemia prevention and care"
    area.save()
    after = client.get(reverse("home")).content.decode()

    assert "Thalassemia prevention" in before
    assert "Thalassemia prevention and care" not in before
    assert "Thalassemia prevention and care" in after


def test_the_status_api_counts_a_new_action_item_and_changes_its_etag(api_as, api_client):
    client = api_as(api_client)
    url = reverse("api:status")
    before = client.get(url)

    ActionItemFactory()
    after = client.get(url)

    assert before["ETag"] != after["ETag"]
    assert after.json()["action_items"]["upcoming"] == before.json()["action_items"]["upcoming"] + 1


# Across processes, over Redis -------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings, worker_id):
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (REDIS_URL)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"read-cache-test-{worker_id}",
        }
    }
    from django.core.cache import cache

    cache.delete(caching.GENERATION_KEY)
    yield url
    cache.delete(caching.GENERATION_KEY)


@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_process_makes_the_cached_list_stale(
    api_as, team, nih_expert, redis_cache, worker_id
):
    recommendation = RecommendationFactory(title="Gene bank consent model")
    client = api_as(nih_expert)
    url = reverse("api:recommendation-list")
    assert client.get(url).json()["results"][0]["title"] == "Gene bank consent model"

    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": redis_cache,
    }
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        f"settings.CACHES['default']['KEY_PREFIX'] = 'read-cache-test-{worker_id}'\n"
        "from collaboration.models import Recommendation\n"
        f"r = Recommendation.objects.get(pk={recommendation.pk})\n"
        "r.title = 'Gene bank consent and governance'\n"
        "r.save()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)

    assert client.get(url).json()["results"][0]["title"] == "Gene bank consent and governance"


# The bell ------------------------------------------------------------------------------------------


def _bell(client):
    html = client.get(reverse("profile")).content.decode()
    match = re.search(r'data-testid="unread-count">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_the_bell_counts_again_when_a_notification_is_added_or_read(client, ministry):
    first = Notification.objects.create(recipient=ministry, kind="action_item", title="A", url="/")
    Notification.objects.create(recipient=ministry, kind="action_item", title="B", url="/")
    client.force_login(ministry)
    shown = [_bell(client)]

    Notification.objects.create(recipient=ministry, kind="action_item", title="C", url="/")
    shown.append(_bell(client))
    notification_mark_read(notification=first, actor=ministry)
    shown.append(_bell(client))
    notification_mark_all_read(user=ministry, actor=ministry)
    shown.append(_bell(client))

    assert shown == [2, 3, 2, 0]


def test_the_bell_is_counted_once_between_changes(client, ministry):
    Notification.objects.create(recipient=ministry, kind="action_item", title="A", url="/")
    client.force_login(ministry)
    _bell(client)

    with CaptureQueriesContext(connection) as queries:
        assert _bell(client) == 1

    assert not [q for q in queries.captured_queries if "portal_notification" in q["sql"]]


def test_an_unshared_visit_is_gone_for_bgi_at_once_even_if_the_bump_was_lost(
    client, api_as, bgi_liaison
):
    """The generation bump of the unsharing is lost (as when one web process cannot reach
    Redis): the liaison must still be refused at once, on the API and the dashboard."""
    from delegations.models import Visit
    from tests.factories import VisitFactory

    visit = VisitFactory(shared=True, title="Shared visit to Shenzhen")
    api = api_as(bgi_liaison)
    url = reverse("api:visit-detail", args=[visit.pk])
    client.force_login(bgi_liaison)
    assert api.get(url).status_code == 200
    assert "Shared visit to Shenzhen" in client.get(reverse("home")).content.decode()

    Visit.objects.filter(pk=visit.pk).update(is_shared_with_bgi=False)  # no signal, no bump

    assert api.get(url).status_code == 404
    assert "Shared visit to Shenzhen" not in client.get(reverse("home")).content.decode()


def test_a_role_taken_away_is_not_answered_from_the_cache(api_as, ministry):
    from portal.models import Role

    client = api_as(ministry)
    assert client.get(reverse("api:status")).status_code == 200

    # The group change is recorded without the many-to-many signal (a lost bump).
    ministry.groups.through.objects.filter(user_id=ministry.pk, group__name=Role.MINISTRY).delete()

    assert client.get(reverse("api:status")).status_code == 403
