"""The portal's own date and number formats per language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's formats for the language is set; the rest falls back to Django's.
Templates use the format names (`|date:"SHORT_DATE_FORMAT"`), never hard-coded English formats.
"""
