"""Serializers of the collaboration API.

Output serializers (`<Model>Serializer`) are read-only; input serializers
(`<Model><Action>InputSerializer`) are plain Serializers whose data goes to a service.
Names are unique across the API so OpenAPI component names never collide.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collaboration.models import (
    Capability,
    IndicatorValue,
    Objective,
    PriorityArea,
    Programme,
    Recommendation,
    RecommendationComment,
    RecommendationVersion,
    TeamMembership,
)
from collaboration.selectors import (
    IndicatorProgress,
    indicators_with_progress,
    priority_area_progress,
)
from collaboration.workflows import RECOMMENDATION_FLOW
from portal.models import User
from portal.templatetags.portal import render_markdown

# Small shared shapes --------------------------------------------------------------------------


class CollaborationUserSerializer(serializers.ModelSerializer):
    """A person as the collaboration API shows them: username and display name only."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


class PriorityAreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityArea
        fields = ["slug", "name"]
        read_only_fields = fields


class CapabilityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Capability
        fields = ["id", "name"]
        read_only_fields = fields


# Programme, priority areas, capabilities, team -----------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    cooperation_framework_html = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "partner",
            "description",
            "started_on",
            "cooperation_framework",
            "cooperation_framework_html",
            "official_reference",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_cooperation_framework_html(self, obj: Programme) -> str:
        return render_markdown(obj.cooperation_framework)


class IndicatorValueSerializer(serializers.ModelSerializer):
    # A link or "" when none was given: a plain string, as "" is not a URI.
    evidence_url = serializers.CharField(read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["period", "period_end_on", "actual", "note", "evidence_url"]
        read_only_fields = fields


class IndicatorProgressSerializer(serializers.Serializer):
    """An indicator with its values and how far the latest one is from baseline to target."""

    id = serializers.IntegerField(source="indicator.id", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    baseline = serializers.DecimalField(
        source="indicator.baseline", max_digits=14, decimal_places=2, read_only=True
    )
    target = serializers.DecimalField(
        source="indicator.target", max_digits=14, decimal_places=2, read_only=True
    )
    direction = serializers.CharField(source="indicator.direction", read_only=True)
    values = IndicatorValueSerializer(many=True, read_only=True)
    latest = IndicatorValueSerializer(read_only=True, allow_null=True)
    progress = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Percent of the way from baseline to target (0–100); null without a value."),
    )


class ObjectiveSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = ["id", "title", "description", "position", "indicators"]
        read_only_fields = fields

    @extend_schema_field(IndicatorProgressSerializer(many=True))
    def get_indicators(self, obj: Objective) -> list:
        # Works on the prefetched indicators and values (selectors.priority_area_list).
        rows: list[IndicatorProgress] = indicators_with_progress(list(obj.indicators.all()))
        return list(IndicatorProgressSerializer(rows, many=True).data)


class PriorityAreaSerializer(serializers.ModelSerializer):
    """A priority area with its objectives, indicators, values and progress.

    Expects rows of `selectors.priority_area_list`, which prefetches all of it.
    """

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lead = CollaborationUserSerializer(read_only=True, allow_null=True)
    recommendation_count = serializers.IntegerField(read_only=True)
    progress = serializers.SerializerMethodField()
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = PriorityArea
        fields = [
            "slug",
            "name",
            "summary",
            "status",
            "status_label",
            "position",
            "lead",
            "recommendation_count",
            "progress",
            "objectives",
        ]
        read_only_fields = fields

    def get_progress(self, obj: PriorityArea) -> int | None:
        """Mean progress of the area's indicators that have a value (from prefetched rows)."""
        return priority_area_progress(obj)


class CapabilitySerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    priority_areas = PriorityAreaRefSerializer(many=True, read_only=True)

    class Meta:
        model = Capability
        fields = ["id", "name", "category", "category_label", "description", "priority_areas"]
        read_only_fields = fields


class TeamMembershipSerializer(serializers.ModelSerializer):
    user = CollaborationUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["id", "user", "role", "role_label", "expertise", "started_on", "ended_on"]
        read_only_fields = fields


# Recommendations ------------------------------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    """A recommendation; `available_transitions` comes batched from the view's context."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    body_html = serializers.SerializerMethodField()
    authors = CollaborationUserSerializer(many=True, read_only=True)
    priority_areas = PriorityAreaRefSerializer(many=True, read_only=True)
    capabilities = CapabilityRefSerializer(many=True, read_only=True)
    created_by = CollaborationUserSerializer(read_only=True, allow_null=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "programme",
            "title",
            "summary",
            "body",
            "body_html",
            "rationale",
            "expected_outcomes",
            "estimated_cost_pkr",
            "timeline",
            "risks",
            "status",
            "status_label",
            "revision",
            "version",
            "official_reference",
            "authors",
            "priority_areas",
            "capabilities",
            "created_by",
            "created_at",
            "updated_at",
            "archived_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_body_html(self, obj: Recommendation) -> str:
        """The body rendered from Markdown and sanitised."""
        return render_markdown(obj.body)

    def get_available_transitions(self, obj: Recommendation) -> list[str]:
        """Names of the workflow steps the caller may take now."""
        return self.context.get("available_transitions", {}).get(obj.pk, [])


# The long texts a list leaves out (rendering Markdown for every row is most of a list's cost).
LONG_TEXTS = ("body", "body_html", "rationale", "expected_outcomes", "timeline", "risks")


def _person(user: User | None) -> dict | None:
    """A person as `CollaborationUserSerializer` shows them, as a plain dict."""
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.display_name}


class RecommendationListItemSerializer(RecommendationSerializer):
    """A recommendation in a list: what identifies it and where it stands, without the long
    texts (read them, rendered, from the recommendation itself).

    The rows of a list are built as plain dicts from the prefetched relations (the hot path of
    the API; the declared fields describe the same shape for the schema)."""

    class Meta(RecommendationSerializer.Meta):
        fields = [name for name in RecommendationSerializer.Meta.fields if name not in LONG_TEXTS]
        read_only_fields = fields

    def to_representation(self, instance: Recommendation) -> dict:
        fields = self.fields
        moment = fields["created_at"].to_representation
        cost = instance.estimated_cost_pkr
        steps = self.context.get("available_transitions", {})
        return {
            "id": instance.pk,
            "programme": instance.programme_id,
            "title": instance.title,
            "summary": instance.summary,
            "estimated_cost_pkr": (
                None if cost is None else fields["estimated_cost_pkr"].to_representation(cost)
            ),
            "status": instance.status,
            "status_label": instance.get_status_display(),
            "revision": instance.revision,
            "version": instance.version,
            "official_reference": instance.official_reference,
            "authors": [_person(user) for user in instance.authors.all()],
            "priority_areas": [
                {"slug": area.slug, "name": area.name} for area in instance.priority_areas.all()
            ],
            "capabilities": [
                {"id": capability.pk, "name": capability.name}
                for capability in instance.capabilities.all()
            ],
            "created_by": _person(instance.created_by),
            "created_at": moment(instance.created_at),
            "updated_at": moment(instance.updated_at),
            "archived_at": None if instance.archived_at is None else moment(instance.archived_at),
            "available_transitions": steps.get(instance.pk, []),
        }


class RecommendationVersionTextsSerializer(serializers.ModelSerializer):
    """Every versioned field of a saved version (`Recommendation.VERSIONED_FIELDS`)."""

    priority_areas: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = RecommendationVersion
        fields = list(Recommendation.VERSIONED_FIELDS)
        read_only_fields = fields


class RecommendationVersionSerializer(serializers.ModelSerializer):
    created_by = CollaborationUserSerializer(read_only=True, allow_null=True)
    texts = RecommendationVersionTextsSerializer(source="*", read_only=True)

    class Meta:
        model = RecommendationVersion
        fields = ["number", "created_at", "created_by", "note", "texts"]
        read_only_fields = fields


class CollaborationDiffPartSerializer(serializers.Serializer):
    op = serializers.CharField(read_only=True, help_text=_('"equal", "insert" or "delete".'))
    text = serializers.CharField(read_only=True)


def _diff_field() -> serializers.ListField:
    return serializers.ListField(child=CollaborationDiffPartSerializer(), read_only=True)


class RecommendationDiffFieldsSerializer(serializers.Serializer):
    """One list of diff parts per versioned field (`Recommendation.VERSIONED_FIELDS`)."""

    def get_fields(self):
        return {name: _diff_field() for name in Recommendation.VERSIONED_FIELDS}


class RecommendationDiffSerializer(serializers.Serializer):
    """The differences of every versioned field between two saved versions: texts word by
    word, lists (priority area and capability names) item by item, the cost as old and new."""

    from_version = serializers.IntegerField(read_only=True)
    to_version = serializers.IntegerField(read_only=True)
    fields = RecommendationDiffFieldsSerializer(read_only=True)  # type: ignore[assignment]


class RecommendationDiffInputSerializer(serializers.Serializer):
    """Query parameters `from` and `to` (version numbers); `from` is a Python keyword."""

    def get_fields(self):
        return {
            "from": serializers.IntegerField(min_value=1, help_text=_("The older version.")),
            "to": serializers.IntegerField(min_value=1, help_text=_("The newer version.")),
        }


class RecommendationCommentSerializer(serializers.ModelSerializer):
    author = CollaborationUserSerializer(read_only=True)
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = RecommendationComment
        fields = ["id", "author", "body", "body_html", "created_at", "updated_at"]
        read_only_fields = fields

    def get_body_html(self, obj: RecommendationComment) -> str:
        return render_markdown(obj.body)


class _RecommendationContentInput(serializers.Serializer):
    """The editable content; PUT sends all of it, PATCH only what changes."""

    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    body = serializers.CharField(
        allow_blank=True, required=False, default="", help_text=_("Markdown.")
    )
    rationale = serializers.CharField(allow_blank=True, required=False, default="")
    expected_outcomes = serializers.CharField(allow_blank=True, required=False, default="")
    timeline = serializers.CharField(allow_blank=True, required=False, default="")
    risks = serializers.CharField(allow_blank=True, required=False, default="")
    estimated_cost_pkr = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        default=None,
    )
    priority_areas = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=PriorityArea.objects.active(),
        allow_empty=False,
        help_text=_("Slugs of the priority areas the recommendation serves (at least one)."),
    )
    capabilities = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Capability.objects.active(),
        required=False,
        default=list,
        help_text=_("Ids of the BGI capabilities it would use."),
    )


class RecommendationCreateInputSerializer(_RecommendationContentInput):
    pass


class RecommendationUpdateInputSerializer(_RecommendationContentInput):
    # Required (the service refuses a version without it; a PATCH that leaves it out gets the
    # same field error from there).
    note = serializers.CharField(
        max_length=300,
        help_text=_("What changed, kept with the new version (required)."),
        error_messages={
            "required": _("Say what changed in this version, for example “costs updated”."),
            "blank": _("Say what changed in this version, for example “costs updated”."),
        },
    )


class RecommendationTransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(RECOMMENDATION_FLOW.transitions))
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    official_reference = serializers.CharField(
        max_length=100,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("The ministry's file or diary number (on submission or approval)."),
    )


class RecommendationCommentCreateInputSerializer(serializers.Serializer):
    body = serializers.CharField(help_text=_("Markdown."))
