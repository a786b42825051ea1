"""Urdu (Django ships no formats for it): day, month name, year ("10 جنوری 2027"), 24-hour
time, Western digits and separators as in Pakistan's official documents.

One set for every page, PDF, e-mail and message: the "short" names are the same formats."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Date cells of .xlsx exports (Excel number formats; portal.formatting reads them).
SPREADSHEET_DATE_FORMAT = "d mmmm yyyy"
SPREADSHEET_DATETIME_FORMAT = "d mmmm yyyy hh:mm"
