"""Speed targets for the foundation's hot paths (run with `make bench`, not in `make test`)."""

import statistics
import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROUNDS = 60


def _p95_ms(call) -> float:
    call()  # warm-up
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(samples, n=20)[-1]


@pytest.mark.parametrize(("target_ms", "url_name"), [(60, "api:me"), (60, "api:root")])
def test_api_reads_with_a_token_are_fast(api_as, api_client, target_ms, url_name):
    client = api_as(api_client)

    p95 = _p95_ms(lambda: client.get(reverse(url_name)))

    print(f"{url_name}: p95 {p95:.1f} ms (target {target_ms} ms)")  # noqa: T201
    assert p95 < target_ms


def test_home_page_is_fast(client, ministry):
    client.force_login(ministry)

    p95 = _p95_ms(lambda: client.get(reverse("home")))

    print(f"home: p95 {p95:.1f} ms (target 80 ms)")  # noqa: T201
    assert p95 < 80
