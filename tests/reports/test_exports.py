"""Text that a spreadsheet would run as a formula is made inert; other values stay cells."""

import datetime as dt
from decimal import Decimal

import pytest

from portal.exports import spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+92 300 1234567", "'+92 300 1234567"),
        ("-5 days", "'-5 days"),
        ("@cmd", "'@cmd"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("Newborn screening", "Newborn screening"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_starting_like_a_formula_is_escaped(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, Decimal("-1.25"), dt.date(2026, 9, 30), True])
def test_non_text_values_pass_through_unchanged(value):
    assert spreadsheet_safe(value) is value
