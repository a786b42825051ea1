"""Search and traceability in the API: input and output shapes (names unique in the schema)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.filters import QueryParametersSerializer

from .. import selectors, traceability


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": selectors.MAX_QUERY_LENGTH,
        # The rule of `selectors.is_too_short`, for clients and the schema: two characters that
        # are not spaces, or one Chinese (CJK) character.
        "pattern": selectors.QUERY_PATTERN,
    }
)
class SearchQueryField(serializers.CharField):
    """The words to find: the minimum length is part of the schema, checked in `validate_q`."""


@extend_schema_field({"type": "string", "enum": list(selectors.KINDS)})
class SearchKindField(serializers.CharField):
    """A kind of search result (its own enum in the schema)."""


@extend_schema_field({"type": "string", "enum": list(traceability.ORDER)})
class TraceKindField(serializers.CharField):
    """A kind of record in a traceability graph (its own enum in the schema)."""


class SearchQueryInputSerializer(QueryParametersSerializer):
    q = SearchQueryField(
        max_length=selectors.MAX_QUERY_LENGTH,
        min_length=1,
        help_text=_(
            "Words to find (websearch syntax: quotes for a phrase, -word to leave out, or). "
            "At least two characters, or one Chinese character."
        ),
    )
    kind = serializers.ChoiceField(
        choices=selectors.KINDS, required=False, help_text=_("Only this kind of record.")
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=10, help_text=_("At most this many results per kind.")
    )
    offset = serializers.IntegerField(
        min_value=0, max_value=10_000, default=0, help_text=_("Skip this many results per kind.")
    )

    def validate_q(self, value: str) -> str:
        text = selectors.normalise(value)
        if selectors.is_too_short(text):
            raise serializers.ValidationError(
                _("Type at least %(n)s characters.") % {"n": selectors.MIN_QUERY_LENGTH}
            )
        return text


class SearchHitSerializer(serializers.Serializer):
    kind = SearchKindField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(
        source="snippet_text", help_text=_("Plain text around the first match.")
    )
    url = serializers.CharField(help_text=_("The record's page."))


class SearchResultsSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Total matches per kind searched (not only those returned)."),
    )

    def to_representation(self, instance: selectors.SearchResults) -> dict[str, Any]:
        hits = [hit for group in instance.kinds for hit in group.hits]
        return {
            "results": SearchHitSerializer(hits, many=True).data,
            "counts": instance.counts,
        }


class TraceItemSerializer(serializers.Serializer):
    kind = TraceKindField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text=_("The record's page."))
    status = serializers.CharField()
    belongs_to = serializers.CharField(
        source="context", help_text=_("Where it belongs (a clause's MoU, an objective's visit).")
    )
    trace_url = serializers.CharField(
        help_text=_("Its traceability page; empty for a visit objective.")
    )


class TraceGroupSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("The kind of every item in the group."))
    kind_label = serializers.CharField(source="label")
    items = TraceItemSerializer(many=True)


class TraceGraphSerializer(serializers.Serializer):
    record = TraceItemSerializer()
    upstream = TraceGroupSerializer(many=True)
    downstream = TraceGroupSerializer(many=True)
