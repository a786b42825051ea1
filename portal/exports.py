"""Helpers shared by every export the portal writes (spreadsheets and CSV files).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by spreadsheet programs (CSV/formula injection, OWASP). Exports pass every text value
through `spreadsheet_safe`, which prefixes such text with an apostrophe so it shows as typed.
Numbers, dates and other non-text values are returned unchanged: they stay real cells.
"""

from typing import TypeVar

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def spreadsheet_safe(value: T) -> T | str:
    """The value, with text that a spreadsheet would run as a formula made inert.

    Only `str` values are changed; `None`, numbers, dates and booleans pass through as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
