"""Optimistic concurrency over HTTP: `ETag: "<version>"` out, `If-Match` in.

`If-Match` must be one ETag as the API sends it: the version number in double quotes, `"3"`,
optionally weak (`W/"3"`); a bare `3` is read too. Absent (or blank), the answer is 428; not of
that form (a list, `*`, garbage), 400: the header is malformed, whatever the record's state;
well formed but not the record's current version, 412. `IF_MATCH_PATTERN` is the same rule,
for the schema.
"""

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from portal.exceptions import DomainError, PreconditionRequired

#: An ETag of the API, as If-Match must carry it (at most 18 digits: any version fits).
IF_MATCH_PATTERN = r'^((W/)?"[0-9]{1,18}"|[0-9]{1,18})$'
_IF_MATCH = re.compile(r'(?:W/)?"([0-9]{1,18})"|([0-9]{1,18})')


class MalformedIfMatch(DomainError):
    """The If-Match header is not one of the API's ETags (400, not 412: nothing is stale)."""

    code = "malformed_if_match"
    status_code = 400
    default_message = _('The If-Match header must be the record\'s ETag, such as "3".')


def etag_for(obj: Any) -> str:
    """The ETag of a versioned record: its version number, quoted."""
    return f'"{obj.version}"'


def parse_if_match(header: str | None) -> int:
    """The version a client based its write on; 428 if absent, 400 if malformed."""
    value = (header or "").strip(" \t")  # optional whitespace around a field value (RFC 9110)
    if not value:
        raise PreconditionRequired
    match = _IF_MATCH.fullmatch(value)
    if match is None:
        raise MalformedIfMatch
    return int(match.group(1) or match.group(2))


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
