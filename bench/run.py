"""`make bench`: seed a large programme, serve it with gunicorn, drive it with wrk, report.

Steps: a fresh benchmark database (BENCH_DATABASE_URL, PostgreSQL) and cache (BENCH_REDIS_URL);
the demo programme grown to a small size, where the queries each endpoint makes to compute its
answer are counted (read cache off); grown to the full size (10,000 recommendations with
versions, 500 visits, 50 MoUs with versions, 20,000 action items), counted again, and counted
once more for an answer served from the read cache; gunicorn on 127.0.0.1; wrk with several
connections for a bounded time per endpoint, each endpoint right after a baseline run of its
own, as the portal runs (read cache on, portal/caching.py) and then with the read cache off,
so the cost of computing every answer is on record too; the programme status and action items
reports as PDF and .xlsx timed on the full data. Results go to bench/results.json and a Markdown table (bench/results.md, pasted into the
README).
"""

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")

PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
RESULTS = ROOT / "bench" / "results.json"
TABLE = ROOT / "bench" / "results.md"
WRK_SCRIPT = ROOT / "bench" / "report.lua"


def _fresh_database() -> None:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()


def _setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make bench needs PostgreSQL (BENCH_DATABASE_URL).")
    _fresh_database()
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", force=True, verbosity=0, stdout=io.StringIO())


def _credentials() -> tuple[str, str]:
    """An API token of the ministry dashboard account and a session cookie of ministry staff."""
    from django.conf import settings
    from django.test import Client

    from portal.models import User
    from portal.services import api_token_create

    _token, key = api_token_create(
        user=User.objects.get(username="api_client"), name="bench", actor=None
    )
    client = Client()
    client.force_login(User.objects.get(username="ministry"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return key, f"{settings.SESSION_COOKIE_NAME}={session}"


def _endpoints(token: str, cookie: str) -> list[dict]:
    from django.urls import reverse

    from collaboration.models import Recommendation

    detail = Recommendation.objects.order_by("pk").values_list("pk", flat=True).last()
    api = {"Authorization": f"Token {token}"}
    page = {"Cookie": cookie}
    return [
        {"name": "baseline (bare .values() JSON)", "path": reverse("bench-baseline"),
         "headers": {}, "list": False, "baseline": True},
        {"name": "GET /api/v1/status/", "path": reverse("api:status"), "headers": api,
         "list": False},
        {"name": "GET /api/v1/recommendations/", "path": reverse("api:recommendation-list"),
         "headers": api, "list": True},
        {"name": "GET /api/v1/recommendations/{id}/",
         "path": reverse("api:recommendation-detail", args=[detail]), "headers": api,
         "list": False},
        {"name": "GET / (dashboard)", "path": reverse("home"), "headers": page, "list": False},
        {"name": "GET /recommendations/ (list page)",
         "path": reverse("collaboration:recommendation-list"), "headers": page, "list": True},
    ]  # fmt: skip


def _queries(endpoints: list[dict], *, read_cache: bool) -> list[int]:
    """Queries per request, after a warm-up request: to compute the answer (read cache off),
    or to answer from the read cache."""
    from django.conf import settings
    from django.test.utils import override_settings

    seconds = settings.RESPONSE_CACHE_SECONDS if read_cache else 0
    with override_settings(RESPONSE_CACHE_SECONDS=seconds):
        return _count_queries(endpoints)


def _count_queries(endpoints: list[dict]) -> list[int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = []
    client = Client()
    for endpoint in endpoints:
        headers = endpoint["headers"]
        extra = {}
        if "Authorization" in headers:
            extra["HTTP_AUTHORIZATION"] = headers["Authorization"]
        if "Cookie" in headers:
            name, value = headers["Cookie"].split("=", 1)
            client.cookies[name] = value
        client.get(endpoint["path"], **extra)  # warm caches as a running server would be
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint["path"], **extra)
        if response.status_code != 200:
            sys.exit(f"{endpoint['name']} answered {response.status_code}; cannot benchmark it.")
        counts.append(len(captured.captured_queries))
    return counts


def _wrk(endpoint: dict) -> dict:
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
               "-s", str(WRK_SCRIPT), "--timeout", "10s"]  # fmt: skip
    for header, value in endpoint["headers"].items():
        command += ["-H", f"{header}: {value}"]
    command.append(f"http://127.0.0.1:{PORT}{endpoint['path']}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"BENCH (\{.*\})", output)
    if not match:
        sys.exit(f"wrk printed no summary for {endpoint['name']}:\n{output}")
    summary = json.loads(match.group(1))
    if summary["non_2xx"] or summary["errors"]:
        sys.exit(f"{endpoint['name']}: {summary['non_2xx']} non-2xx answers, "
                 f"{summary['errors']} errors under load:\n{output}")  # fmt: skip
    return summary


def _warm(endpoint: dict) -> None:
    """One request per worker first, so start-up costs are not measured."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{endpoint['path']}", headers=endpoint["headers"]
    )
    for _ in range(WORKERS * 2):
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()


def _serve(*, read_cache: bool) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if not read_cache:
        env["BENCH_RESPONSE_CACHE_SECONDS"] = "0"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit("gunicorn did not start")


def _load(endpoint: dict, *, read_cache: bool) -> dict:
    """wrk against a fresh server: requests still queued from the previous endpoint's run
    must not count against the next one."""
    server = _serve(read_cache=read_cache)
    try:
        state = "on" if read_cache else "off"
        print(f"Loading {endpoint['name']} for {SECONDS} s, read cache {state} …", flush=True)  # noqa: T201
        _warm(endpoint)
        return _wrk(endpoint)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _time_reports() -> dict:
    """Build the programme status and the action items reports as PDF and .xlsx on the full
    data, timed (keys "pdf", "xlsx" for the status report, "action_items_pdf", … for the other)."""
    from portal.models import User
    from reports import services as report_services
    from reports.models import Report

    ministry = User.objects.get(username="ministry")
    timings = {}
    for kind, prefix in (
        (Report.Kind.PROGRAMME_STATUS, ""),
        (Report.Kind.ACTION_ITEMS, "action_items_"),
    ):
        for fmt in ("pdf", "xlsx"):
            report = report_services.report_request(actor=ministry, kind=kind, format=fmt)
            start = time.perf_counter()
            report_services.report_build(report_id=report.pk, actor=None)
            timings[f"{prefix}{fmt}"] = round(time.perf_counter() - start, 2)
            report.refresh_from_db()
            timings[f"{prefix}{fmt}_bytes"] = report.size
    return timings


def _markdown(results: dict) -> str:
    from reports.selectors import PDF_ACTION_ITEMS_LIMIT

    lines = [
        "| Endpoint | req/s | p50 ms | p95 ms | baseline req/s | × baseline | uncached req/s "
        "| uncached × baseline | queries @ small | queries @ full | queries, cached |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {row['name']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
        f"{row['baseline_rps']:.0f} | {row['ratio_to_baseline']:.2f} | {row['uncached_rps']:.0f} | "
        f"{row['uncached_ratio_to_baseline']:.2f} | {row['queries_small']} | "
        f"{row['queries_full']} | {row['queries_cached']} |"
        for row in results["endpoints"]
    )
    reports = results["reports"]
    lines += [
        "",
        f"Programme status report on the full data: PDF {reports['pdf']} s "
        f"({reports['pdf_bytes']:,} bytes), .xlsx {reports['xlsx']} s "
        f"({reports['xlsx_bytes']:,} bytes). Action items report: PDF "
        f"{reports['action_items_pdf']} s ({reports['action_items_pdf_bytes']:,} bytes, the "
        f"first {PDF_ACTION_ITEMS_LIMIT:,} items), .xlsx {reports['action_items_xlsx']} s "
        f"({reports['action_items_xlsx_bytes']:,} bytes, every item).",
        "",
        f"Data: {results['size']}. Load: wrk, {CONNECTIONS} connections, {THREADS} threads, "
        f"{SECONDS} s per endpoint; gunicorn with {WORKERS} workers on 127.0.0.1; "
        f"{os.cpu_count()} cores.",
        "",
        "req/s, p50, p95 and × baseline: the portal as it runs, with the read cache on "
        "(portal/caching.py; every request still authenticates and renders its page frame), "
        "each compared with a baseline run made just before it (the baseline row is their "
        "mean). "
        "Uncached: the same load with the read cache off, every answer computed. Queries @ small "
        "and @ full: what computing one answer takes at 100 recommendations and at the full "
        "size; cached: what an answer served from the read cache takes.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run `make bench-deps` (Debian package wrk).")
    _setup()
    from dataclasses import asdict

    from bench.seed import Size, grow_to

    token, cookie = _credentials()
    grow_to(Size.small())
    endpoints = _endpoints(token, cookie)
    small = _queries(endpoints, read_cache=False)
    print("Growing the programme to the full size …", flush=True)  # noqa: T201
    grow_to(Size.full())
    endpoints = _endpoints(token, cookie)
    full = _queries(endpoints, read_cache=False)
    cached = _queries(endpoints, read_cache=True)

    from django.db import connections

    connections.close_all()
    # Each endpoint runs right after its own baseline run, once with the read cache on and once
    # with it off: on a shared two-core machine throughput drifts over minutes, so each ratio
    # compares runs made seconds apart.
    baseline_endpoint = endpoints[0]
    baselines, measured, uncached = [], [], []
    for endpoint in endpoints[1:]:
        baselines.append(_load(baseline_endpoint, read_cache=True))
        measured.append(_load(endpoint, read_cache=True))
        uncached.append(_load(endpoint, read_cache=False))

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    baseline_row = {
        "rps": mean([b["rps"] for b in baselines]),
        "p50_us": mean([b["p50_us"] for b in baselines]),
        "p95_us": mean([b["p95_us"] for b in baselines]),
        "requests": sum(b["requests"] for b in baselines),
    }
    rows = []
    for endpoint, base, summary, cold, q_small, q_full, q_cached in zip(
        endpoints,
        [baseline_row, *baselines],
        [baseline_row, *measured],
        [baseline_row, *uncached],
        small,
        full,
        cached,
        strict=True,
    ):
        rows.append({
            "name": endpoint["name"], "path": endpoint["path"], "is_list": endpoint["list"],
            "rps": summary["rps"], "p50_ms": summary["p50_us"] / 1000,
            "p95_ms": summary["p95_us"] / 1000, "requests": summary["requests"],
            "baseline_rps": base["rps"],
            "ratio_to_baseline": summary["rps"] / base["rps"] if base["rps"] else 0.0,
            "uncached_rps": cold["rps"], "uncached_p50_ms": cold["p50_us"] / 1000,
            "uncached_ratio_to_baseline": cold["rps"] / base["rps"] if base["rps"] else 0.0,
            "queries_small": q_small, "queries_full": q_full, "queries_cached": q_cached,
        })  # fmt: skip
    results = {
        "size": asdict(Size.full()),
        "endpoints": rows,
        "reports": _time_reports(),
        "load": {
            "tool": "wrk",
            "connections": CONNECTIONS,
            "threads": THREADS,
            "seconds": SECONDS,
            "gunicorn_workers": WORKERS,
        },
    }
    targets = {
        "lists_at_least_half_baseline": all(
            r["ratio_to_baseline"] >= 0.5 for r in rows if r["is_list"]
        ),
        "queries_flat": all(r["queries_small"] == r["queries_full"] for r in rows),
        "pdf_under_10_s": results["reports"]["pdf"] < 10,
    }
    results["targets"] = targets
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    TABLE.write_text(_markdown(results))
    print(TABLE.read_text())  # noqa: T201
    print("Targets:", json.dumps(targets))  # noqa: T201
    if not all(targets.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
