"""`make bench`: seed a large programme, serve it with gunicorn, drive it with wrk, report.

Steps: a fresh benchmark database (BENCH_DATABASE_URL, PostgreSQL); the demo programme grown to
a small size, where the queries of each endpoint are counted (computed, and answered 304 from
its validator); grown to the full size (10,000 recommendations with versions, 500 visits, 50
MoUs with versions, 20,000 action items) and counted again; then two gunicorn servers with the
same workers on 127.0.0.1: the portal, and the bare limit (bench/bare.py: the same page of
recommendations built by one PostgreSQL query in a plain WSGI callable, no framework). Each
measured run is preceded by a run of the bare limit, so every ratio compares runs made seconds
apart on a machine whose speed drifts (it is shared: absolute numbers move, ratios within one
run are what to compare). Runs: each endpoint computed; conditional requests answered 304; and
a mixed run where about 2 writes a second (comments and edits through the API) land while the
reads are measured. Last, the programme status and action items reports are timed. Results go
to bench/results.json and bench/results.md (pasted into the README).
"""

import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import urllib.response
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")

PORT = int(os.environ.get("BENCH_PORT", "8765"))
BARE_PORT = int(os.environ.get("BENCH_BARE_PORT", "8766"))
WRITES_PER_SECOND = float(os.environ.get("BENCH_WRITES_PER_SECOND", "2"))
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


def _credentials() -> dict[str, str]:
    """API tokens of the ministry dashboard account (reads) and of an NIH expert (writes), and
    a session cookie of ministry staff (pages)."""
    from django.conf import settings
    from django.test import Client

    from portal.models import User
    from portal.services import api_token_create

    def token(username: str) -> str:
        _token, key = api_token_create(
            user=User.objects.get(username=username), name="bench", actor=None
        )
        return key

    client = Client()
    client.force_login(User.objects.get(username="ministry"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "reader": token("api_client"),
        "writer": token("nih_expert"),
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
    }


def _endpoints(credentials: dict[str, str]) -> list[dict]:
    from django.urls import reverse

    from collaboration.models import Recommendation

    detail = Recommendation.objects.order_by("pk").values_list("pk", flat=True).last()
    api = {"Authorization": f"Token {credentials['reader']}"}
    page = {"Cookie": credentials["cookie"]}
    return [
        {"name": "GET /api/v1/recommendations/", "path": reverse("api:recommendation-list"),
         "headers": api, "list": True},
        {"name": "GET /api/v1/recommendations/{id}/",
         "path": reverse("api:recommendation-detail", args=[detail]), "headers": api,
         "list": False},
        {"name": "GET /api/v1/status/", "path": reverse("api:status"), "headers": api,
         "list": False},
        {"name": "GET / (dashboard)", "path": reverse("home"), "headers": page, "list": False},
        {"name": "GET /recommendations/ (list page)",
         "path": reverse("collaboration:recommendation-list"), "headers": page, "list": True},
    ]  # fmt: skip


# Conditional reads: the API endpoints, asked again with the ETag they sent.
CONDITIONAL = ("GET /api/v1/recommendations/", "GET /api/v1/recommendations/{id}/",
               "GET /api/v1/status/")  # fmt: skip
# Measured while writes land.
MIXED = ("GET /api/v1/recommendations/", "GET /api/v1/status/")


def _django_extra(headers: dict[str, str], client) -> dict[str, str]:
    extra = {}
    for header, value in headers.items():
        if header == "Cookie":
            name, cookie = value.split("=", 1)
            client.cookies[name] = cookie
        else:
            extra["HTTP_" + header.upper().replace("-", "_")] = value
    return extra


def _count_queries(endpoints: list[dict]) -> dict[str, dict[str, int]]:
    """Queries per request after a warm-up request: to compute the answer, and (API reads) to
    answer 304 to the ETag the warm-up sent."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, dict[str, int]] = {}
    client = Client()
    for endpoint in endpoints:
        extra = _django_extra(endpoint["headers"], client)
        etag = client.get(endpoint["path"], **extra).get("ETag")
        with CaptureQueriesContext(connection) as computed:
            response = client.get(endpoint["path"], **extra)
        if response.status_code != 200:
            sys.exit(f"{endpoint['name']} answered {response.status_code}; cannot benchmark it.")
        counts[endpoint["name"]] = {"computed": len(computed.captured_queries)}
        if endpoint["name"] in CONDITIONAL:
            with CaptureQueriesContext(connection) as conditional:
                response = client.get(endpoint["path"], HTTP_IF_NONE_MATCH=etag, **extra)
            if response.status_code != 304:
                sys.exit(f"{endpoint['name']} answered {response.status_code} to its ETag.")
            counts[endpoint["name"]]["not_modified"] = len(conditional.captured_queries)
    return counts


def _wrk(url: str, headers: dict[str, str], name: str) -> dict:
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
               "-s", str(WRK_SCRIPT), "--timeout", "10s"]  # fmt: skip
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"BENCH (\{.*\})", output)
    if not match:
        sys.exit(f"wrk printed no summary for {name}:\n{output}")
    summary = json.loads(match.group(1))
    if summary["non_2xx"] or summary["errors"]:
        sys.exit(f"{name}: {summary['non_2xx']} answers of 400 or more, "
                 f"{summary['errors']} errors under load:\n{output}")  # fmt: skip
    return summary


def _get(port: int, path: str, headers: dict[str, str]) -> urllib.response.addinfourl:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    return urllib.request.urlopen(request, timeout=120)  # noqa: S310


def _warm(port: int, path: str, headers: dict[str, str]) -> None:
    """A few requests per worker first, so start-up costs are not measured (and requests still
    queued from the previous run are done)."""
    for _ in range(WORKERS * 2):
        with _get(port, path, headers) as response:
            response.read()


def _serve(app: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit(f"gunicorn did not start {app}")


def _bare_run() -> dict:
    _warm(BARE_PORT, "/recommendations/", {})
    return _wrk(f"http://127.0.0.1:{BARE_PORT}/recommendations/", {}, "bare limit")


def _portal_run(endpoint: dict, headers: dict[str, str], label: str) -> dict:
    print(f"Loading {endpoint['name']} ({label}) for {SECONDS} s …", flush=True)  # noqa: T201
    _warm(PORT, endpoint["path"], endpoint["headers"])
    return _wrk(f"http://127.0.0.1:{PORT}{endpoint['path']}", headers, endpoint["name"])


class Writer(threading.Thread):
    """About WRITES_PER_SECOND writes through the API while reads are measured: a comment, then
    an edit (If-Match from a fresh read), in turn, on draft recommendations."""

    def __init__(self, token: str, ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.ids = ids
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.done = 0
        self.failed = 0
        self.seconds = 0.0

    def _send(self, method: str, path: str, body: dict, headers: dict[str, str]) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}",
            data=json.dumps(body).encode(),
            headers={**self.headers, **headers},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()

    def _write(self, n: int) -> None:
        pk = random.choice(self.ids)  # noqa: S311
        path = f"/api/v1/recommendations/{pk}/"
        if n % 2 == 0:
            self._send("POST", f"{path}comments/", {"body": f"Bench comment {n}."}, {})
            return
        with _get(PORT, path, {"Authorization": self.headers["Authorization"]}) as response:
            etag = response.headers["ETag"]
        self._send("PATCH", path, {"summary": f"Edited by the bench ({n})."}, {"If-Match": etag})

    def _one(self, n: int) -> None:
        try:
            self._write(n)
        except OSError:
            with self.lock:
                self.failed += 1
        else:
            with self.lock:
                self.done += 1

    def run(self) -> None:
        """Each write on its own thread, started on the beat: a slow answer under load does
        not slow the rate of writes sent."""
        start = time.monotonic()
        n = 0
        sent = []
        while not self.stop.is_set():
            due = start + n / WRITES_PER_SECOND
            self.stop.wait(max(0.0, due - time.monotonic()))
            if self.stop.is_set():
                break
            thread = threading.Thread(target=self._one, args=(n,), daemon=True)
            thread.start()
            sent.append(thread)
            n += 1
        for thread in sent:
            thread.join(timeout=60)
        self.seconds = time.monotonic() - start


def _draft_ids() -> list[int]:
    from collaboration.models import Recommendation

    return list(
        Recommendation.objects.filter(status=Recommendation.Status.DRAFT, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


def _row(name: str, kind: str, summary: dict, bare: dict, queries: int | None) -> dict:
    return {
        "name": name,
        "kind": kind,
        "rps": summary["rps"],
        "p50_ms": summary["p50_us"] / 1000,
        "p95_ms": summary["p95_us"] / 1000,
        "requests": summary["requests"],
        "bare_rps": bare["rps"],
        "ratio_to_bare": summary["rps"] / bare["rps"] if bare["rps"] else 0.0,
        "queries": queries,
    }


def _single_client_p50(endpoint: dict, n: int = 15) -> float:
    """The median time of one request at a time (no concurrency), in ms."""
    _warm(PORT, endpoint["path"], endpoint["headers"])
    times = []
    for _ in range(n):
        start = time.perf_counter()
        with _get(PORT, endpoint["path"], endpoint["headers"]) as response:
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


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
        "| Endpoint | run | req/s | p50 ms | p95 ms | bare req/s | × bare | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {row['name']} | {row['kind']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
        f"{row['p95_ms']:.1f} | {row['bare_rps']:.0f} | {row['ratio_to_bare']:.2f} | "
        f"{'' if row['queries'] is None else row['queries']} |"
        for row in results["runs"]
    )
    lines += ["", "| Endpoint | queries @ small | queries @ full | 304: queries @ small | "
              "304: queries @ full | single client p50 ms | body bytes |",
              "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, row in results["endpoints"].items():
        lines.append(
            f"| {name} | {row['queries_small']} | {row['queries_full']} | "
            f"{row.get('not_modified_small', '')} | {row.get('not_modified_full', '')} | "
            f"{row['single_client_p50_ms']:.0f} | {row['bytes']:,} |"
        )
    mixed = results["mixed_writes"]
    reports = results["reports"]
    lines += [
        "",
        f"Mixed runs: {mixed['done']} writes ({mixed['per_second']:.1f}/s, {mixed['failed']} "
        "failed) through the API, comments and edits in turn, while the reads were measured.",
        "",
        f"Programme status report on the full data: PDF {reports['pdf']} s "
        f"({reports['pdf_bytes']:,} bytes), .xlsx {reports['xlsx']} s "
        f"({reports['xlsx_bytes']:,} bytes). Action items report: PDF "
        f"{reports['action_items_pdf']} s ({reports['action_items_pdf_bytes']:,} bytes, the "
        f"first {PDF_ACTION_ITEMS_LIMIT:,} items), .xlsx {reports['action_items_xlsx']} s "
        f"({reports['action_items_xlsx_bytes']:,} bytes, every item).",
        "",
        f"Data: {results['size']}. Load: wrk, {CONNECTIONS} connections, {THREADS} threads, "
        f"{SECONDS} s per run; gunicorn with {WORKERS} workers on 127.0.0.1 for the portal and "
        f"for the bare limit; {os.cpu_count()} cores shared with other work.",
        "",
        "Bare: bench/bare.py, the recommendations page (same 25 rows, same nesting) built as "
        "JSON by one PostgreSQL query in a plain WSGI callable, run just before each measured "
        "run. computed: every answer built; 304: the same request with the ETag it was sent "
        "(If-None-Match); mixed: computed while writes land. Queries @ small and @ full: one "
        "request at 100 recommendations and at the full size.",
    ]
    return "\n".join(lines) + "\n"


def _measure(endpoints: list[dict], credentials: dict[str, str]) -> tuple[list[dict], dict]:
    runs = []
    by_name = {endpoint["name"]: endpoint for endpoint in endpoints}
    for endpoint in endpoints:
        bare = _bare_run()
        runs.append(_row(endpoint["name"], "computed",
                         _portal_run(endpoint, endpoint["headers"], "computed"), bare, None))  # fmt: skip
    for name in CONDITIONAL:
        endpoint = by_name[name]
        with _get(PORT, endpoint["path"], endpoint["headers"]) as response:
            etag = response.headers["ETag"]
        headers = {**endpoint["headers"], "If-None-Match": etag}
        bare = _bare_run()
        runs.append(_row(name, "304", _portal_run(endpoint, headers, "304"), bare, None))
    writer = Writer(credentials["writer"], _draft_ids())
    writer.start()
    try:
        for name in MIXED:
            endpoint = by_name[name]
            bare = _bare_run()
            summary = _portal_run(endpoint, endpoint["headers"], "with writes landing")
            runs.append(_row(name, "mixed", summary, bare, None))
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    mixed = {
        "done": writer.done,
        "failed": writer.failed,
        "per_second": writer.done / writer.seconds if writer.seconds else 0.0,
    }
    return runs, mixed


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run `make bench-deps` (Debian package wrk).")
    _setup()
    from dataclasses import asdict

    from bench.seed import Size, grow_to

    credentials = _credentials()
    grow_to(Size.small())
    small = _count_queries(_endpoints(credentials))
    print("Growing the programme to the full size …", flush=True)  # noqa: T201
    grow_to(Size.full())
    endpoints = _endpoints(credentials)
    full = _count_queries(endpoints)

    from django.db import connections

    connections.close_all()
    portal = _serve("portal.wsgi", PORT)
    bare_server = _serve("bench.bare", BARE_PORT)
    try:
        details = {}
        for endpoint in endpoints:
            with _get(PORT, endpoint["path"], endpoint["headers"]) as response:
                size = len(response.read())
            name = endpoint["name"]
            details[name] = {
                "path": endpoint["path"],
                "is_list": endpoint["list"],
                "queries_small": small[name]["computed"],
                "queries_full": full[name]["computed"],
                "single_client_p50_ms": _single_client_p50(endpoint),
                "bytes": size,
            }
            if "not_modified" in full[name]:
                details[name]["not_modified_small"] = small[name]["not_modified"]
                details[name]["not_modified_full"] = full[name]["not_modified"]
        runs, mixed = _measure(endpoints, credentials)
    finally:
        for server in (portal, bare_server):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    for row in runs:
        row["queries"] = (
            details[row["name"]].get("not_modified_full")
            if row["kind"] == "304"
            else details[row["name"]]["queries_full"]
        )
    results = {
        "size": asdict(Size.full()),
        "endpoints": details,
        "runs": runs,
        "mixed_writes": mixed,
        "reports": _time_reports(),
        "load": {
            "tool": "wrk",
            "connections": CONNECTIONS,
            "threads": THREADS,
            "seconds": SECONDS,
            "gunicorn_workers": WORKERS,
            "writes_per_second": WRITES_PER_SECOND,
        },
    }
    results["targets"] = _targets(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    TABLE.write_text(_markdown(results))
    print(TABLE.read_text())  # noqa: T201
    print("Targets:", json.dumps(results["targets"], indent=1))  # noqa: T201


def _targets(results: dict) -> dict[str, bool]:
    """The issue's targets, as met or not by this run (reported; the run does not fail)."""

    def ratio(name: str, kind: str) -> float:
        return next(r["ratio_to_bare"] for r in results["runs"]
                    if r["name"] == name and r["kind"] == kind)  # fmt: skip

    details = results["endpoints"]
    status, dashboard = "GET /api/v1/status/", "GET / (dashboard)"
    rec_list, rec_detail = "GET /api/v1/recommendations/", "GET /api/v1/recommendations/{id}/"
    return {
        "list_computed_at_least_0.35_bare": ratio(rec_list, "computed") >= 0.35,
        "list_with_writes_at_least_0.35_bare": ratio(rec_list, "mixed") >= 0.35,
        "detail_computed_at_least_0.5_bare": ratio(rec_detail, "computed") >= 0.5,
        "304_at_least_0.8_bare": all(ratio(name, "304") >= 0.8 for name in CONDITIONAL),
        "status_and_dashboard_p50_at_most_60_ms": all(
            details[name]["single_client_p50_ms"] <= 60 for name in (status, dashboard)
        ),
        "status_and_dashboard_at_least_0.15_bare": all(
            ratio(name, "computed") >= 0.15 for name in (status, dashboard)
        ),
        "status_body_at_most_40_kb": details[status]["bytes"] <= 40 * 1024,
        "queries_flat": all(
            row["queries_small"] == row["queries_full"]
            and row.get("not_modified_small") == row.get("not_modified_full")
            for row in details.values()
        ),
    }


if __name__ == "__main__":
    main()
