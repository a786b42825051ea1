"""Markdown sanitising, the API error shape, ETag / If-Match helpers, archiving base."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions

from portal.api.concurrency import MalformedIfMatch, etag_for, parse_if_match
from portal.api.exceptions import api_exception_handler
from portal.exceptions import Conflict, PreconditionRequired, StaleVersion, TransitionNotAllowed
from portal.recording import add_months
from portal.templatetags.portal import render_markdown
from tests.factories import DossierFactory


def test_markdown_keeps_formatting_and_links():
    html = render_markdown("**Thalassemia** screening, see [NIH](https://www.nih.org.pk/)")

    assert "<strong>Thalassemia</strong>" in html
    assert 'href="https://www.nih.org.pk/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="steal()">x</a>',
        '<p style="position:fixed">x</p>',
    ],
)
def test_markdown_removes_scripts_handlers_and_styles(text):
    html = render_markdown(text)

    for bad in ("<script", "onerror", "javascript:", "onclick", "style="):
        assert bad not in html


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (TransitionNotAllowed(), 409, "transition_not_allowed"),
        (Conflict("No longer a draft."), 409, "conflict"),
        (StaleVersion(current=5), 412, "stale_version"),
        (PreconditionRequired(), 428, "precondition_required"),
        (PermissionDenied(), 403, "permission_denied"),
        (Http404(), 404, "not_found"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.Throttled(wait=3), 429, "throttled"),
    ],
)
def test_every_error_has_one_json_shape(exc, status, code):
    response = api_exception_handler(exc, {})

    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["message"]


def test_stale_version_error_carries_the_current_etag():
    response = api_exception_handler(StaleVersion(current=5), {})

    assert response["ETag"] == '"5"'
    assert response.data["error"]["current_version"] == 5


def test_django_validation_error_maps_to_400_with_field_errors():
    response = api_exception_handler(ValidationError({"title": ["Too long."]}), {})

    assert response.status_code == 400
    assert response.data["error"]["fields"] == {"title": ["Too long."]}


@pytest.mark.parametrize(
    ("header", "expected"), [('"3"', 3), ('W/"12"', 12), ("7", 7), (' "5" ', 5)]
)
def test_if_match_is_read_as_a_version(header, expected):
    assert parse_if_match(header) == expected


@pytest.mark.parametrize("header", ['"abc"', 'W/""', "*", '"3", "4"', '"3', "3 4", "\u0663"])
def test_missing_if_match_is_428_and_garbage_is_400_not_412(header):
    with pytest.raises(PreconditionRequired):
        parse_if_match(None)
    with pytest.raises(PreconditionRequired):
        parse_if_match("  ")
    with pytest.raises(MalformedIfMatch) as refused:
        parse_if_match(header)
    assert refused.value.status_code == 400
    assert not isinstance(refused.value, StaleVersion)


@pytest.mark.django_db
def test_versioned_records_have_a_quoted_etag_and_start_unarchived():
    dossier = DossierFactory(version=3)

    assert etag_for(dossier) == '"3"'
    assert dossier.is_archived is False


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2027, 1, 15), 6, datetime.date(2027, 7, 15)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2027, 3, 31), 60, datetime.date(2032, 3, 31)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected
