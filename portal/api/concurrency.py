"""Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` in."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.response import Response

from portal.exceptions import PreconditionRequired, StaleVersion


def etag_for(obj: Any) -> str:
    """The ETag of a versioned record: its version number, quoted."""
    return f'"{obj.version}"'


def parse_if_match(header: str | None) -> int:
    """The version a client based its write on; 428 if absent, 412 if unreadable."""
    if not header:
        raise PreconditionRequired
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise StaleVersion(_('The If-Match header must be the record\'s ETag, such as "3".'))
    return int(value)


def expected_version(request: Any) -> int:
    """Read `If-Match` from a DRF or Django request."""
    return parse_if_match(request.headers.get("If-Match"))


class ETagMixin:
    """For ViewSets of versioned records: detail responses carry the record's ETag."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()  # type: ignore[attr-defined]
        response = Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        response["ETag"] = etag_for(instance)
        return response
