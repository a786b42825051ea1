"""Simplified Chinese: Django's formats, with the month not zero-padded in "1月10日"."""

MONTH_DAY_FORMAT = "n月j日"
