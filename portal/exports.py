"""Helpers shared by every export the portal writes (spreadsheets and CSV files): formula-safe
text, and the one spreadsheet writer (`write_sheet`, `workbook_bytes`).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by spreadsheet programs (CSV/formula injection, OWASP). Exports pass every text value
through `spreadsheet_safe`, which prefixes such text with an apostrophe so it shows as typed.
Numbers, dates and other non-text values are returned unchanged: they stay real cells.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.formatting import (
    SPREADSHEET_DECIMAL_FORMAT,
    spreadsheet_date_format,
    spreadsheet_datetime_format,
)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Cell number formats: dates in the active language (portal/formats/), numbers grouped.
DATE_FORMAT = spreadsheet_date_format
DATETIME_FORMAT = spreadsheet_datetime_format
DECIMAL_FORMAT = SPREADSHEET_DECIMAL_FORMAT
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")

T = TypeVar("T")


def spreadsheet_safe(value: T) -> T | str:
    """The value, with text that a spreadsheet would run as a formula made inert.

    Only `str` values are changed; `None`, numbers, dates and booleans pass through as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Spreadsheets: one writer for every .xlsx the portal makes ------------------------------------


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its header, width (characters) and cell number format (a
    format, or a function of the active language giving one, as for dates)."""

    header: str
    width: int = 14
    number_format: str | Callable[[], str] | None = None


def cell_value(value: Any) -> Any:
    """A cell value openpyxl writes as a real cell; aware datetimes become local wall time."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, Decimal | int | float | dt.date | bool) or value is None:
        return value
    return spreadsheet_safe(str(value))


def write_sheet(
    workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    """Add a sheet with a bold, filled header row, frozen below it, filtered, sized columns."""
    sheet = workbook.create_sheet(title=spreadsheet_title(title))
    sheet.append([spreadsheet_safe(column.header) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    count = 0
    for row in rows:
        sheet.append([cell_value(value) for value in row])
        count += 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        number_format = column.number_format
        if callable(number_format):
            number_format = number_format()
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if count:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return sheet


def spreadsheet_title(title: str) -> str:
    """A valid sheet title: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip() or "Sheet"
    return cleaned[:31]


def workbook_bytes(build: Callable[[Workbook], None]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    build(workbook)
    if default is not None and len(workbook.worksheets) > 1:
        workbook.remove(default)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
