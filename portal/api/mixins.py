"""View behaviour and schema pieces shared by every app's API.

Conditional reads (`ETag` out, `If-None-Match` → 304, from the record's version or from the
tables' change stamps of portal/freshness.py, before any body is built), the caller's
available workflow steps batched for a page of rows, filters that narrow lists only, and the
OpenAPI parameters and error responses the endpoints document. Nothing here knows about
a particular app.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portal.freshness import validator
from portal.workflow import Workflow

from .concurrency import IF_MATCH_PATTERN, etag_for
from .serializers import ErrorSerializer

# Schema pieces -------------------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=IF_MATCH_PATTERN,
    description=(
        'The ETag of the record the change is based on, for example "3" (428 without it, 400 '
        "when it is not an ETag of this form, 412 when the record has changed since)."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag the client holds; when it is current the answer is 304.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag in If-None-Match is current.")
LIST_IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag of the answer the client holds; while nothing it is made of has changed the "
        "answer is 304, with no body."
    ),
)
LIST_VALIDATORS = [
    OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="Identifies this answer for this caller; send it back in If-None-Match.",
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="When a record this answer is made of last changed (HTTP date).",
    ),
]
ERRORS_READ = {401: ErrorSerializer}
ERRORS_DETAIL = {401: ErrorSerializer, 404: ErrorSerializer}
ERRORS_WRITE = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
    412: ErrorSerializer,
    428: ErrorSerializer,
}


def etag_header(*codes: int) -> OpenApiParameter:
    """The ETag response header on the given status codes."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(codes),
        description='The record\'s version, quoted ("3"); send it back in If-Match to change it.',
    )


def read_schema(list_serializer: Any, detail_serializer: Any, *, versioned: bool) -> Any:
    """A class decorator documenting `list` and `retrieve` (with ETag and 304 if versioned)."""
    retrieve_responses: dict = {200: detail_serializer, **ERRORS_DETAIL}
    parameters = []
    if versioned:
        retrieve_responses[304] = NOT_MODIFIED
        parameters = [IF_NONE_MATCH, etag_header(200, 304)]
    return extend_schema_view(
        list=extend_schema(responses={200: list_serializer, **ERRORS_READ}),
        retrieve=extend_schema(responses=retrieve_responses, parameters=parameters),
    )


# Conditional reads ---------------------------------------------------------------------------


def etag_matches(header: str | None, etag: str) -> bool:
    """Weak comparison of an If-None-Match header (a list, or "*") with our ETag."""
    if not header:
        return False
    for candidate in header.split(","):
        value = candidate.strip()
        if value == "*":
            return True
        if value.startswith("W/"):
            value = value[2:]
        if value == etag:
            return True
    return False


class ConditionalRetrieveMixin:
    """Versioned records: detail responses carry `ETag: "<version>"`, and a request whose
    `If-None-Match` holds the current ETag gets 304 with no body. The record is looked up for
    the viewer on every request, so a right taken away is refused at once (404). With an
    `If-None-Match`, the record is first looked up alone (no related rows): a current ETag is
    answered from that one query."""

    def retrieve(self, request, *args, **kwargs):
        if request.headers.get("If-None-Match"):
            bare = self._visible_record(prefetch=False)
            etag = etag_for(bare)
            if etag_matches(request.headers.get("If-None-Match"), etag):
                return _with_etag(Response(status=status.HTTP_304_NOT_MODIFIED), etag)
        instance = self._visible_record(prefetch=True)
        etag = etag_for(instance)
        return _with_etag(Response(self.get_serializer(instance).data), etag)  # type: ignore[attr-defined]

    def _visible_record(self, *, prefetch: bool) -> Any:
        """`get_object()` (visibility, 404, object permissions), with or without the related
        rows the body needs."""
        view: Any = self
        if prefetch:
            return view.get_object()
        queryset = view.filter_queryset(view.get_queryset())
        lookup = view.lookup_url_kwarg or view.lookup_field
        record = get_object_or_404(
            queryset.select_related(None).prefetch_related(None),
            **{view.lookup_field: view.kwargs[lookup]},
        )
        view.check_object_permissions(view.request, record)
        return record

    def versioned_response(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        """The serialized record with its ETag."""
        data = self.get_serializer(instance).data  # type: ignore[attr-defined]
        return _with_etag(Response(data, status=code), etag_for(instance))


def _with_etag(response: Response, etag: str) -> Response:
    response["ETag"] = etag
    return response


# Lists ---------------------------------------------------------------------------------------


class FilterListOnlyMixin:
    """Query filters narrow the list; they never hide a record asked for by id."""

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]


class ConditionalListMixin:
    """Lists send `ETag` and `Last-Modified` built from the change stamps of `list_models`
    (the tables the rows are made of) and the caller (portal/freshness.py); a matching
    `If-None-Match` is answered 304 from that one query, before the page is read. The query
    parameters are checked first (the filters build a lazy queryset, nothing is read): a request
    the list would refuse is refused with 400, even with `If-None-Match: *`."""

    list_models: Sequence[type[Model]]

    def list(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        current = validator(request, self.list_models)
        if current.matches(request.headers.get("If-None-Match")):
            return current.apply(Response(status=status.HTTP_304_NOT_MODIFIED))
        return current.apply(super().list(request, *args, **kwargs))  # type: ignore[misc]


# Workflow steps ------------------------------------------------------------------------------


def available_transition_names(flow: Workflow, rows: Iterable[Any], user: Any) -> dict[int, list]:
    """The steps the user may take now on each row, by primary key.

    Meant for flows whose policies read only the user's roles (cached on the user for the
    request) and fields already on the row, so there is no query per row.
    """
    return {row.pk: [t.name for t in flow.available(row, user)] for row in rows}


class AvailableTransitionsMixin:
    """Adds the caller's available transitions for the serialized rows to the context."""

    workflow: Workflow

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())  # type: ignore[attr-defined]
        if args and args[0] is not None:
            rows = args[0] if kwargs.get("many") else [args[0]]
            kwargs["context"]["available_transitions"] = available_transition_names(
                self.workflow,
                rows,
                self.request.user,  # type: ignore[attr-defined]
            )
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]


def may_take_some_step(flow: Workflow, user: Any, obj: Any) -> bool:
    """Whether any transition of the flow is ever open to the user on this record.

    Permission classes use it to answer 403 to a person who may never move the record,
    before any input is read; the service still checks the record's state (409).
    """
    return any(transition.allowed(user, obj) for transition in flow.transitions.values())
