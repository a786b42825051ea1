"""templates/includes/_workflow_history.html, the one list of a record's workflow history that
the visit's and the recommendation's pages draw (their own copies are gone)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def _steps():
    at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    return [
        SimpleNamespace(
            step="Approve",
            actor=SimpleNamespace(display_name="Ayesha Khan"),
            at=at,
            from_label="Proposed",
            to_label="Approved",
            comment="Fine.\nGo ahead.",
        ),
        SimpleNamespace(
            step="Prepare", actor=None, at=at, from_label="Approved", to_label="Preparing",
            comment="",
        ),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("template", "prefix", "record", "empty"),
    [
        (
            "delegations/includes/_visit_timeline.html",
            "visit",
            "visit",
            "No workflow steps yet: the visit is still proposed.",
        ),
        (
            "collaboration/includes/_recommendation_timeline.html",
            "rec",
            "recommendation",
            "No workflow steps yet: it is still a first draft.",
        ),
    ],
)
def test_each_page_draws_its_history_through_the_one_include(template, prefix, record, empty):
    stub = SimpleNamespace(created_by=None, created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))

    html = render_to_string(template, {"timeline": _steps(), record: stub})
    none = render_to_string(template, {"timeline": [], record: stub})

    assert f'<ol class="list-unstyled {prefix}-timeline" data-testid="timeline">' in html
    assert html.count(f'<li class="{prefix}-timeline-step">') == 2
    assert "<strong>Approve</strong>" in html
    assert "by Ayesha Khan" in html
    assert "by the system" in html  # a step no person took
    assert "Proposed <span" in html
    assert "Approved <span" in html
    assert "</span> Preparing" in html
    # A comment is Markdown, rendered by the one renderer; its line breaks stay.
    assert f'<blockquote class="small mb-0 {prefix}-timeline-comment"><p>Fine.<br>' in html
    assert empty not in html
    assert 'data-testid="timeline"' not in none
    assert empty in none
