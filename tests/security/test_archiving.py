"""Deleting is archiving for programme records: neither the admin nor the API erases them, and
every spreadsheet/CSV export escapes cells that would run as formulas."""

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME_APPS = {"collaboration", "delegations", "mou", "reports"}


@pytest.mark.django_db
def test_the_admin_never_deletes_programme_records(administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    deletable = [
        f"{model._meta.app_label}.{model.__name__}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROGRAMME_APPS and model_admin.has_delete_permission(request)
    ]

    assert deletable == []


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_the_api_has_no_delete_that_erases_programme_rows():
    with_delete = set()
    for route, callback in _api_views(get_resolver().url_patterns):
        if not route.startswith("api/"):
            continue
        actions = getattr(callback, "actions", None) or {}
        view_class = getattr(callback, "cls", None)
        if "delete" in actions or (
            view_class is not None and not actions and hasattr(view_class, "delete")
        ):
            with_delete.add(getattr(view_class, "__name__", route))

    # Every DELETE keeps its row: revoking one's own API token (revoked_at), taking a member off
    # a visit (is_active) and taking an entry out of an itinerary (archived_at).
    assert with_delete == {"ApiTokenViewSet", "VisitViewSet"}


def test_every_spreadsheet_or_csv_export_uses_spreadsheet_safe():
    writers = re.compile(r"csv\.writer|csv\.DictWriter|openpyxl|Workbook\(|xlsxwriter")
    unsafe = []
    apps = ("portal", "collaboration", "delegations", "mou", "genebank", "reports", "overview",
            "search")  # fmt: skip
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if writers.search(text) and "spreadsheet_safe" not in text:
                unsafe.append(str(path.relative_to(ROOT)))

    assert unsafe == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Plain text", "Plain text"),
        (42, 42),
    ],
)
def test_spreadsheet_safe_makes_formulas_inert(value, expected):
    from portal.exports import spreadsheet_safe

    assert spreadsheet_safe(value) == expected
