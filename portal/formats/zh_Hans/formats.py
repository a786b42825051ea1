"""Simplified Chinese: year, month, day ("2026年12月3日"), 24-hour time, thousands grouped by
three (as PKR amounts are written in BGI's correspondence).

One set for every page, PDF, e-mail and message: the "short" names are the same formats."""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Date cells of .xlsx exports (Excel number formats; portal.formatting reads them).
SPREADSHEET_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
SPREADSHEET_DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
