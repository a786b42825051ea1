"""Output shapes of the programme status endpoint (read-only, flat where possible)."""

from rest_framework import serializers

from collaboration.models import Recommendation
from portal.api.filters import QueryParametersSerializer


def _state_counts_serializer() -> type[serializers.Serializer]:
    """A serializer with one integer field per recommendation state, so the schema lists them."""
    fields = {
        value: serializers.IntegerField(
            min_value=0, help_text=f"Recommendations in the state “{label}”."
        )
        for value, label in Recommendation.Status.choices
    }
    return type(
        "RecommendationStateCountsSerializer",
        (serializers.Serializer,),
        {
            **fields,
            "__doc__": "How many recommendations are in each state (every state, zeros included).",
        },
    )


RecommendationStateCountsSerializer = _state_counts_serializer()


class StatusIndicatorSerializer(serializers.Serializer):
    """An indicator's progress from baseline to target."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    latest_actual = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    latest_period = serializers.CharField(allow_null=True)
    latest_period_end_on = serializers.DateField(allow_null=True)
    percent = serializers.IntegerField(
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="How far the latest value is from baseline to target (0–100); null without a value.",
    )
    target_met = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the latest value meets the target: at least it when `direction` is "
        '"increase", at most it when "decrease"; null without a value.',
    )
    reading = serializers.CharField(
        help_text='The latest value against the target in words ("24 months against a target '
        'of at most 6 months: not met yet"); empty without a value.',
    )


class StatusObjectiveSerializer(serializers.Serializer):
    """An objective of a priority area with its indicators."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    indicators = StatusIndicatorSerializer(many=True)


class StatusPriorityAreaSerializer(serializers.Serializer):
    """A priority area: indicator progress per objective and recommendations by state."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.CharField(help_text="proposed, active, paused or completed.")
    progress = serializers.IntegerField(
        allow_null=True, help_text="Mean percent of the area's indicators that have a value."
    )
    objectives = StatusObjectiveSerializer(many=True)
    recommendations_by_state = RecommendationStateCountsSerializer(
        source="recommendations_by_state_map"
    )

    def to_representation(self, instance):
        return super().to_representation(_WithCounts(instance))


class _WithCounts:
    """Exposes StateCount tuples as {state: count} mappings to the serializers."""

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def __getattr__(self, name):
        if name.endswith("_by_state_map"):
            rows = getattr(self._wrapped, name.removesuffix("_map"))
            return {row.state: row.count for row in rows}
        return getattr(self._wrapped, name)


class StatusVisitReadinessSerializer(serializers.Serializer):
    """How ready the delegation is: members, travel checks and logistics tasks."""

    members_ready = serializers.IntegerField()
    members_total = serializers.IntegerField()
    checks_done = serializers.IntegerField(help_text="Travel checks done over all members.")
    checks_total = serializers.IntegerField()
    logistics_done = serializers.IntegerField(help_text="Logistics checklist tasks done.")
    logistics_total = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="checks_done / checks_total as a percent.")
    is_ready = serializers.BooleanField()


class StatusVisitSerializer(serializers.Serializer):
    """A visit to BGI with its state, dates and readiness."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField(help_text="The visit's workflow state, such as `preparing`.")
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    destination = serializers.CharField()
    readiness = StatusVisitReadinessSerializer()


class StatusMilestoneSerializer(serializers.Serializer):
    """A dated step of the MoU's life (planned ones lie in the future)."""

    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    on = serializers.DateField()
    is_planned = serializers.BooleanField()


class StatusMouSerializer(serializers.Serializer):
    """The MoU: its state, current version and next step(s)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField(help_text="The MoU's workflow state, such as `negotiation`.")
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The latest published version's number."
    )
    next_step = serializers.CharField(
        help_text="The next workflow step(s), joined by ' / '; empty at the end."
    )
    next_steps = serializers.ListField(child=serializers.CharField())
    signing_deadline_on = serializers.DateField(allow_null=True)
    effective_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    milestones = StatusMilestoneSerializer(many=True, source="timeline")


class StatusActionItemsSerializer(serializers.Serializer):
    """Counts of open action items."""

    overdue = serializers.IntegerField(source="overdue_count")
    upcoming = serializers.IntegerField(
        source="upcoming_count", help_text="Due from today through the next `upcoming_days` days."
    )
    upcoming_days = serializers.IntegerField()


class StatusCohortSerializer(serializers.Serializer):
    """A gene bank cohort's progress towards its sample target."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    priority_area = serializers.CharField()
    enrolled_participants = serializers.IntegerField()
    target_participants = serializers.IntegerField()
    collected_samples = serializers.IntegerField()
    target_samples = serializers.IntegerField()
    percent = serializers.IntegerField()


class StatusExpiringApprovalSerializer(serializers.Serializer):
    """An ethics approval, export permit or clearance that expires soon."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    authority = serializers.CharField()
    valid_to = serializers.DateField()
    days_left = serializers.IntegerField()


class StatusGenebankSerializer(serializers.Serializer):
    """The gene bank: cohort progress, transfers by state, approvals expiring soon."""

    cohorts = StatusCohortSerializer(many=True)
    transfers_by_state = serializers.SerializerMethodField()
    approvals_expiring = StatusExpiringApprovalSerializer(many=True)
    expiring_within_days = serializers.IntegerField()

    def get_transfers_by_state(self, status) -> dict[str, int]:
        return {row.state: row.count for row in status.transfers_by_state}


class ProgrammeStatusSerializer(serializers.Serializer):
    """The programme's status in one call."""

    today = serializers.DateField()
    last_changed_at = serializers.DateTimeField(allow_null=True)
    priority_areas = StatusPriorityAreaSerializer(many=True)
    recommendations_by_state = RecommendationStateCountsSerializer(
        source="recommendations_by_state_map"
    )
    visits = StatusVisitSerializer(many=True)
    mou = StatusMouSerializer(allow_null=True, help_text="The current MoU, or null.")
    action_items = StatusActionItemsSerializer()
    genebank = StatusGenebankSerializer()

    def to_representation(self, instance):
        return super().to_representation(_WithCounts(instance))


class StatusQuerySerializer(QueryParametersSerializer):
    """The status endpoint's query parameters."""

    visits = serializers.ChoiceField(
        choices=[("current", "current"), ("all", "all")],
        default="current",
        required=False,
        help_text=(
            "current (the default): the open visits under way or departing within 90 days; "
            "all: every visit, as the status listed them before (kept for one release)."
        ),
    )
