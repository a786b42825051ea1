"""templates/includes/_workflow_history.html draws a record's history exactly as the visit's and
the recommendation's pages did with their own copies (so they can switch to it)."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def _steps():
    actor = SimpleNamespace(display_name="Ayesha Khan")
    at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    return [
        SimpleNamespace(
            step="Approve",
            actor=actor,
            at=at,
            from_label="Proposed",
            to_label="Approved",
            comment="Fine.\nGo ahead.",
        ),
        SimpleNamespace(
            step="Prepare",
            actor=None,
            at=at,
            from_label="Approved",
            to_label="Preparing",
            comment="",
        ),
    ]


def _list(html):
    """The list of steps, or the sentence said before any step, white space folded."""
    found = (
        re.search(r"<ol.*</ol>", html, re.S)
        or list(re.finditer(r'<p class="text-body-secondary">[^<]*</p>', html))[-1]
    )
    return re.sub(r"\s+", " ", found.group(0)).strip()


@pytest.mark.parametrize(
    ("template", "prefix", "record"),
    [
        ("delegations/includes/_visit_timeline.html", "visit", "visit"),
        ("collaboration/includes/_recommendation_timeline.html", "rec", "recommendation"),
    ],
)
@pytest.mark.parametrize("steps", [_steps(), []], ids=["steps", "none"])
def test_the_shared_include_matches_each_copy(template, prefix, record, steps):
    record_stub = SimpleNamespace(
        created_by=None, created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    own = render_to_string(template, {"timeline": steps, record: record_stub})
    empty = re.search(r'<p class="text-body-secondary">([^<]*)</p>', own)
    shared = render_to_string(
        "includes/_workflow_history.html",
        {"steps": steps, "prefix": prefix, "empty": empty.group(1) if empty else ""},
    )

    assert _list(shared) == _list(own)
