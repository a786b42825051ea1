"""English as written in Pakistan's government: day before month ("3 Dec 2026"), a 24-hour
clock (no "a.m."/"p.m.", so a sentence never ends in "p.m.."), thousands grouped by three.

One set for every page, PDF, e-mail and message: the "short" names are the same formats, so a
list, the dashboard and a report show a moment alike ("3 Dec 2026, 15:24")."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Date cells of .xlsx exports (Excel number formats; portal.formatting reads them).
SPREADSHEET_DATE_FORMAT = "d mmm yyyy"
SPREADSHEET_DATETIME_FORMAT = "d mmm yyyy, hh:mm"
