"""Serializers of the MoU API (read-only, plus the inputs of transitions, diff and verify).

An MoU has two shapes, chosen by `mou.api.permissions.mou_serializer_class`: `MouSerializer`
for people inside government and machine accounts (timeline, next steps, clearances,
out-of-step count), and `MouSharedSerializer` for BGI's liaison (where it stands and the
latest version shared with BGI, nothing internal).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collaboration.models import PriorityArea, Recommendation
from mou import selectors
from mou.models import (
    Clause,
    ClauseComment,
    ClauseSnapshot,
    Clearance,
    Mou,
    MouVersion,
    Obligation,
    Signatory,
    SignedCopy,
)
from mou.workflows import MOU_FLOW
from portal.api.serializers import TransitionHistorySerializer, UserRefSerializer

# The MoU -------------------------------------------------------------------------------------


class MouSharedSerializer(serializers.ModelSerializer):
    """The MoU as BGI's liaison sees it; `current_version` is the latest shared version."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current_version = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Number of the latest version the caller may read; null before the first."),
    )

    class Meta:
        model = Mou
        fields = [
            "id",
            "title",
            "title_zh",
            "status",
            "status_label",
            "current_version",
            "effective_on",
            "expires_on",
        ]
        read_only_fields = fields


class ClearanceSerializer(serializers.ModelSerializer):
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = Clearance
        fields = ["name", "position", "decision", "decision_label", "reference", "decided_on"]
        read_only_fields = fields


class MouSerializer(MouSharedSerializer):
    """The MoU with its timeline, the caller's next steps, clearances and out-of-step count.

    Rows come annotated (`current_version`, `out_of_step_count`) and with the transitions and
    clearances prefetched, so a page of MoUs costs the same few queries as one.
    """

    responsible_officer = UserRefSerializer(read_only=True, allow_null=True)
    out_of_step_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Clauses of the draft whose English and Chinese texts are out of step."),
    )
    clearances = ClearanceSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta(MouSharedSerializer.Meta):
        fields = [
            *MouSharedSerializer.Meta.fields,
            "term_months",
            "signing_deadline_on",
            "official_reference",
            "responsible_officer",
            "version",
            "created_at",
            "updated_at",
            "archived_at",
            "out_of_step_count",
            "clearances",
            "timeline",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(TransitionHistorySerializer(many=True))
    def get_timeline(self, obj: Mou) -> list:
        """Every workflow step so far, oldest first."""
        context = {**self.context, "workflow": MOU_FLOW}
        return list(
            TransitionHistorySerializer(obj.transitions.all(), many=True, context=context).data
        )

    def get_available_transitions(self, obj: Mou) -> list[str]:
        """Names of the steps the caller may take now through `transitions/`."""
        return self.context.get("available_transitions", {}).get(obj.pk, [])


# Versions ------------------------------------------------------------------------------------


class MouVersionSerializer(serializers.ModelSerializer):
    published_at = serializers.DateTimeField(source="created_at", read_only=True)
    shared = serializers.BooleanField(source="is_shared_with_bgi", read_only=True)

    class Meta:
        model = MouVersion
        fields = ["number", "note", "published_at", "shared", "shared_at"]
        read_only_fields = fields


class ClauseCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ClauseComment
        fields = ["id", "author", "body", "is_from_bgi", "is_visible_to_bgi", "created_at"]
        read_only_fields = fields


class ClauseSnapshotSerializer(serializers.ModelSerializer):
    """A clause as published, with the comments on it the caller may read (from the context)."""

    comments = serializers.SerializerMethodField()

    class Meta:
        model = ClauseSnapshot
        fields = [
            "position",
            "key",
            "heading_en",
            "heading_zh",
            "text_en",
            "text_zh",
            "lagging_language",
            "comments",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "lagging_language": {
                "help_text": _(
                    "Published out of step: the language (en or zh) that did not follow the "
                    "last change of the other; empty when both texts agree."
                )
            }
        }

    @extend_schema_field(ClauseCommentSerializer(many=True))
    def get_comments(self, obj: ClauseSnapshot) -> list:
        rows = self.context.get("comments", {}).get(obj.pk, [])
        return list(ClauseCommentSerializer(rows, many=True).data)


class MouVersionDetailSerializer(MouVersionSerializer):
    clauses = ClauseSnapshotSerializer(many=True, read_only=True)

    class Meta(MouVersionSerializer.Meta):
        fields = [*MouVersionSerializer.Meta.fields, "clauses"]
        read_only_fields = fields


# Diff ----------------------------------------------------------------------------------------


class MouDiffPartSerializer(serializers.Serializer):
    op = serializers.CharField(read_only=True, help_text=_('"equal", "insert" or "delete".'))
    text = serializers.CharField(read_only=True)


def _diff_field() -> serializers.ListField:
    return serializers.ListField(child=MouDiffPartSerializer(), read_only=True)


class MouClauseDiffFieldsSerializer(serializers.Serializer):
    heading_en = _diff_field()
    text_en = _diff_field()
    heading_zh = _diff_field()
    text_zh = _diff_field()


class MouClauseChangeSerializer(serializers.Serializer):
    key = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(
        choices=["added", "removed", "moved", "changed", "unchanged"], read_only=True
    )
    moved = serializers.BooleanField(
        read_only=True,
        help_text=_("Whether its place among the clauses both versions share changed."),
    )
    old_position = serializers.IntegerField(read_only=True, allow_null=True)
    new_position = serializers.IntegerField(read_only=True, allow_null=True)
    heading_en = serializers.CharField(
        read_only=True, help_text=_("The clause's English heading (newer one if both exist).")
    )
    fields = MouClauseDiffFieldsSerializer(read_only=True)  # type: ignore[assignment]


class MouDiffSerializer(serializers.Serializer):
    """Clause-by-clause differences between two versions, with word-level changes per field."""

    from_version = serializers.IntegerField(read_only=True)
    to_version = serializers.IntegerField(read_only=True)
    clauses = MouClauseChangeSerializer(many=True, read_only=True)


class MouDiffInputSerializer(serializers.Serializer):
    """Query parameters `from` and `to` (version numbers); `from` is a Python keyword."""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(min_value=1, help_text=_("The older version.")),
            "to": serializers.IntegerField(min_value=1, help_text=_("The newer version.")),
        }


def clause_change_body(change: Any) -> dict[str, Any]:
    """A `selectors.ClauseChange` as plain data for MouClauseChangeSerializer."""
    shown = change.new or change.old
    return {
        "key": shown.key,
        "kind": change.kind,
        "moved": change.moved,
        "old_position": change.old.position if change.old else None,
        "new_position": change.new.position if change.new else None,
        "heading_en": shown.heading_en,
        "fields": {
            name: getattr(change, name)
            for name in ("heading_en", "text_en", "heading_zh", "text_zh")
        },
    }


# Transitions ---------------------------------------------------------------------------------


class MouTransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(MOU_FLOW.transitions))
    comment = serializers.CharField(allow_blank=True, required=False, default="")


# Signing, verification, obligations ----------------------------------------------------------


class SignatorySerializer(serializers.ModelSerializer):
    party_label = serializers.CharField(source="get_party_display", read_only=True)
    answer_label = serializers.CharField(source="get_answer_display", read_only=True)

    class Meta:
        model = Signatory
        fields = [
            "id",
            "name",
            "title",
            "party",
            "party_label",
            "order",
            "answer",
            "answer_label",
            "signed_on",
            "place",
        ]
        read_only_fields = fields


class SignedCopyRefSerializer(serializers.ModelSerializer):
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = SignedCopy
        fields = ["sha256", "size", "uploaded_at"]
        read_only_fields = fields


class MouSignaturesSerializer(serializers.Serializer):
    signatories = SignatorySerializer(many=True, read_only=True)
    witnesses = SignatorySerializer(many=True, read_only=True)
    signed_copy = SignedCopyRefSerializer(read_only=True, allow_null=True)


class MouVerifyInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("The file to compare with the signed copy on record; it is not kept.")
    )


class MouVerifySerializer(serializers.Serializer):
    matches = serializers.BooleanField(
        read_only=True, help_text=_("Whether the file is exactly the signed copy on record.")
    )
    sha256 = serializers.CharField(read_only=True, help_text=_("SHA-256 of the file sent."))


class ObligationSerializer(serializers.ModelSerializer):
    party_label = serializers.CharField(source="get_party_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    clause_position = serializers.IntegerField(
        source="clause.position", read_only=True, allow_null=True, default=None
    )
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "party",
            "party_label",
            "description",
            "clause_position",
            "owner",
            "due_on",
            "status",
            "status_label",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: Obligation) -> bool:
        """Open or in progress, and past its due date."""
        return obj.is_overdue


# Drafting inputs and the working draft -------------------------------------------------------


class DraftClauseSerializer(serializers.ModelSerializer):
    """A clause of the working draft (internal), with the version to send back in If-Match."""

    priority_areas: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    is_out_of_step = serializers.BooleanField(read_only=True)
    lagging_language = serializers.CharField(
        read_only=True,
        help_text=_("The language that did not follow the last change: en, zh, or empty."),
    )

    class Meta:
        model = Clause
        fields = [
            "id",
            "key",
            "position",
            "heading_en",
            "heading_zh",
            "text_en",
            "text_zh",
            "lagging_language",
            "is_out_of_step",
            "priority_areas",
            "recommendations",
            "source_recommendation",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ClauseWriteInputSerializer(serializers.Serializer):
    """A clause in both languages; PUT sends all of it, PATCH only what changes. Without its
    Chinese text a clause is out of step until the translation follows."""

    heading_en = serializers.CharField(max_length=300)
    text_en = serializers.CharField()
    heading_zh = serializers.CharField(max_length=300, allow_blank=True, required=False)
    text_zh = serializers.CharField(allow_blank=True, required=False)
    priority_areas = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=PriorityArea.objects.none(),
        required=False,
        help_text=_("Slugs of priority areas of the MoU's programme."),
    )
    recommendations = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Recommendation.objects.none(),
        required=False,
        help_text=_("Ids of approved recommendations of the MoU's programme."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "mou" not in self.context:  # the schema's generator: no choices to narrow
            return
        areas, recommendations = selectors.clause_citable_choices(
            viewer=self.context["request"].user,
            mou=self.context["mou"],
            clause=self.context.get("clause"),
        )
        self.fields["priority_areas"].child_relation.queryset = areas  # type: ignore[attr-defined]
        self.fields["recommendations"].child_relation.queryset = recommendations  # type: ignore[attr-defined]


class MouVersionPublishInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=300,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("What this version is for, e.g. “Sent to BGI for comments”."),
    )


class OutOfStepOverrideInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text=_("Why the MoU may go on with clauses out of step between English and Chinese."),
    )


class OutOfStepOverrideSerializer(serializers.Serializer):
    """An override as recorded: its reason, who recorded it and the clauses it covers."""

    id = serializers.IntegerField()
    reason = serializers.CharField()
    clauses = serializers.ListField(child=serializers.DictField())
    recorded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()


class ClauseCommentCreateInputSerializer(serializers.Serializer):
    clause = serializers.UUIDField(help_text=_("The `key` of a clause of this version."))
    body = serializers.CharField()
    visible_to_bgi = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also show the comment to BGI's liaison (shared versions only)."),
    )
