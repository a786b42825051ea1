"""The portal's date and number formats per language (settings.FORMAT_MODULE_PATH).

Each language sets one complete set (DATE_FORMAT, TIME_FORMAT, DATETIME_FORMAT, the "short"
names as the same formats, MONTH_DAY_FORMAT, YEAR_MONTH_FORMAT, separators) and the date formats
of .xlsx cells. Templates use the format names (`|date:"DATE_FORMAT"`), Python code
`portal.formatting` (`format_date`, `format_datetime`, `format_number`, `format_pkr`); never
hard-coded formats or `isoformat()` in what people read (the API keeps ISO 8601).
"""
