"""The API's JSON parser: bounded nesting, so a small hostile body cannot exhaust the stack.

Python's json module recurses once per nested array or object; about a thousand levels raise
RecursionError (a 500). No request of this API nests deeper than a handful of levels, so the
body's depth is measured first, in one linear pass, and anything deeper than MAX_JSON_DEPTH is
refused with 400 in the API's error shape. The body's size is bounded by Django's
DATA_UPLOAD_MAX_MEMORY_SIZE before it is read (see portal/api/exceptions.py for its answer).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


class PayloadTooLarge(APIException):
    """413: the body is over DATA_UPLOAD_MAX_MEMORY_SIZE."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")
_QUOTE = ord('"')
_BACKSLASH = ord("\\")


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSE:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit is not None else -1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(_("The request body is too large."))
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise ParseError(
                _("The JSON body is nested too deeply (more than %(n)s levels).")
                % {"n": MAX_JSON_DEPTH}
            )
        return super().parse(BytesIO(raw), media_type, parser_context)
