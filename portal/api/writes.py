"""Writes through the API, shared by every app: the service's input from a request body, the
version check before a partial update, and the schema of a create or an edit.

A POST, PUT or PATCH validates an input serializer (400 with field errors, nothing changed),
then calls the same service as the page. An edit needs `If-Match` (portal/api/concurrency.py);
a PATCH fills the unsent fields from the record as read, so that read must be the version the
client saw (412 otherwise) and the service re-checks under its row lock. A POST may carry an
`Idempotency-Key` (portal/idempotency.py): a retry gets the first answer again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from portal.exceptions import StaleVersion

from .mixins import ERRORS_WRITE, IF_MATCH, etag_header
from .parsers import BoundedJSONParser
from .serializers import ErrorSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 255},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) of at most 255 characters (empty: no key). A retry with the "
        "same key and "
        "the same body gets the first answer again, with `Idempotent-Replayed: true`, and "
        "changes nothing; the same key with another body is 422."
    ),
)
# A POST: no If-Match; 422 when its Idempotency-Key was used for another request.
ERRORS_CREATE = {
    **{code: body for code, body in ERRORS_WRITE.items() if code not in (412, 428)},
    422: ErrorSerializer,
}


# Dates and times of the programme's records: from 1900 to 2100. Outside those years a record
# means nothing, and a time there may not survive a change of zone (year 1 in Shenzhen is year
# 0 in UTC) or be written with a whole-minute offset.
FIRST_YEAR, LAST_YEAR = 1900, 2100
_OUT_OF_RANGE = _("Give a date between the years %(first)s and %(last)s.")


def _check_year(value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(_OUT_OF_RANGE % {"first": FIRST_YEAR, "last": LAST_YEAR})


class BoundedDateField(serializers.DateField):
    """An ISO date between FIRST_YEAR and LAST_YEAR."""

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        _check_year(day)
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time between FIRST_YEAR and LAST_YEAR."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        moment = super().to_internal_value(value)
        _check_year(moment)
        return moment


class StrictCharField(serializers.CharField):
    """A JSON string, nothing else (DRF's own turns numbers into text)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, nothing else (DRF's own also takes 0, 1, "yes", "on"...)."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # unreachable: fail() raises


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A JSON array of ids, nothing else (DRF's own takes any iterable, an object included)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class PrimaryKeysField(serializers.PrimaryKeyRelatedField):
    """With many=True, a list of ids that must be a JSON array (StrictManyRelatedField)."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> StrictManyRelatedField:
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return StrictManyRelatedField(**list_kwargs)


class JsonWritesMixin:
    """Writes take JSON only (BoundedJSONParser): one body format, as the schema says. Reads
    and the actions not named keep the API's parsers."""

    json_write_actions: ClassVar[frozenset[str]] = frozenset()

    def get_parsers(self) -> list[Any]:
        view: Any = self
        action = getattr(view, "action", None)
        if action is None:
            # DRF picks the parsers before it sets `action`; the router's map names it.
            request = getattr(view, "request", None)
            method = (getattr(request, "method", "") or "").lower()
            action = getattr(view, "action_map", {}).get(method)
        if action in self.json_write_actions:
            return [BoundedJSONParser()]
        return super().get_parsers()  # type: ignore[misc]


def dataclass_from(
    cls: Any,
    values: Mapping[str, Any],
    current: Any = None,
    *,
    many: Iterable[str] = (),
    current_values: Mapping[str, Any] | None = None,
) -> Any:
    """A service's input dataclass from validated values; what was not sent comes from
    `current` (the record, for a PATCH: `current_values` first, then its attributes, `many`
    read as lists of related rows) or else the dataclass's default."""
    many = frozenset(many)
    kwargs: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):
        name = spec.name
        if name in values:
            kwargs[name] = list(values[name]) if name in many else values[name]
        elif current_values is not None and name in current_values:
            kwargs[name] = current_values[name]
        elif current is not None and hasattr(current, name):
            value = getattr(current, name)
            kwargs[name] = list(value.all()) if name in many else value
    return cls(**kwargs)


def require_version(record: Any, version: int) -> None:
    """412 unless the record as read is the version the client based its change on."""
    if record.version != version:
        raise StaleVersion(current=record.version)


def create_schema(
    request: Any, response: Any, *, description: str | None = None, examples: list | None = None
) -> Any:
    """A POST that creates: Idempotency-Key accepted, 201 with the record (and its ETag)."""
    return extend_schema(
        request=request,
        description=description,
        parameters=[IDEMPOTENCY_KEY, etag_header(201)],
        responses={201: response, **ERRORS_CREATE},
        examples=examples or [],
    )


def post_schema(
    request: Any,
    response: Any,
    *,
    code: int = 201,
    description: str | None = None,
    examples: list | None = None,
    parameters: list | None = None,
) -> Any:
    """A POST on a record's sub-resource (a member, a comment, a version)."""
    return extend_schema(
        methods=["POST"],
        request=request,
        description=description,
        parameters=[*(parameters or []), IDEMPOTENCY_KEY],
        responses={code: response, **ERRORS_CREATE},
        examples=examples or [],
    )


def edit_schema(
    request: Any,
    response: Any,
    *,
    methods: list[str] | None = None,
    description: str | None = None,
    examples: list | None = None,
    parameters: list | None = None,
) -> Any:
    """A PUT or PATCH of a versioned record: If-Match required, 200 with the new ETag."""
    return extend_schema(
        methods=methods,
        request=request,
        description=description,
        parameters=[*(parameters or []), IF_MATCH, etag_header(200)],
        responses={200: response, **ERRORS_WRITE},
        examples=examples or [],
    )


def example(name: str, value: dict[str, Any], summary: str = "") -> OpenApiExample:
    """A request body example for the schema."""
    return OpenApiExample(name, value=value, summary=summary or name, request_only=True)
