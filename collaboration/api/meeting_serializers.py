"""The API shapes of meetings, their decisions and action items (reads and write inputs).

Split from `serializers.py` (programme and recommendations), as the tests are split.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from collaboration.models import (
    ActionItem,
    Decision,
    Meeting,
)
from collaboration.selectors import (
    people,
)
from collaboration.workflows import ACTION_ITEM_FLOW
from portal.api.writes import BoundedDateField, BoundedDateTimeField
from portal.templatetags.portal import render_markdown

from .serializers import CollaborationUserSerializer

# Meetings and action items --------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "programme",
            "title",
            "held_at",
            "location",
            "chair",
            "official_reference",
            "version",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text", "position", "created_at"]
        read_only_fields = fields


class MeetingActionItemSerializer(serializers.ModelSerializer):
    owner = CollaborationUserSerializer(read_only=True)
    # A plain string here: the status enum belongs to ActionItemSerializer's component.
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "owner", "due_on", "status", "status_label", "decision"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    attendees = CollaborationUserSerializer(many=True, read_only=True)
    external_attendees = serializers.SerializerMethodField()
    minutes_html = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    action_items = MeetingActionItemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "attendees",
            "external_attendees",
            "minutes",
            "minutes_html",
            "decisions",
            "action_items",
        ]
        read_only_fields = fields

    def get_external_attendees(self, obj: Meeting) -> list[str]:
        """People without a login, one per entry."""
        return [line.strip() for line in obj.external_attendees.splitlines() if line.strip()]

    def get_minutes_html(self, obj: Meeting) -> str:
        return render_markdown(obj.minutes)


class MeetingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "held_at"]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    """An action item; `available_transitions` comes batched from the view's context."""

    owner = CollaborationUserSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    linked_type = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "programme",
            "title",
            "description",
            "owner",
            "due_on",
            "status",
            "status_label",
            "is_overdue",
            "meeting",
            "decision",
            "linked_type",
            "linked_id",
            "completed_at",
            "version",
            "created_at",
            "updated_at",
            "archived_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: ActionItem) -> bool:
        """Open and past its due date (today in the portal's zone): `ActionItem.is_overdue`."""
        return obj.is_overdue_on(self.context.get("today") or timezone.localdate())

    def get_linked_type(self, obj: ActionItem) -> str | None:
        """The linked record's kind as "app_label.model", or null."""
        if obj.linked_type is None:
            return None
        return f"{obj.linked_type.app_label}.{obj.linked_type.model}"

    def get_available_transitions(self, obj: ActionItem) -> list[str]:
        """Names of the workflow steps the caller may take now."""
        return self.context.get("available_transitions", {}).get(obj.pk, [])


class ActionItemTransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(ACTION_ITEM_FLOW.transitions))
    comment = serializers.CharField(allow_blank=True, required=False, default="")


# Meeting, decision and action item inputs -----------------------------------------------------


class MeetingWriteInputSerializer(serializers.Serializer):
    """A meeting as recorded; PUT sends all of it, PATCH only what changes."""

    title = serializers.CharField(max_length=300)
    held_at = BoundedDateTimeField(help_text=_("When it was held (ISO 8601, with offset)."))
    location = serializers.CharField(max_length=200, allow_blank=True, required=False)
    chair = serializers.CharField(max_length=200, allow_blank=True, required=False)
    official_reference = serializers.CharField(max_length=100, allow_blank=True, required=False)
    attendees = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=people(),
        required=False,
        help_text=_("Ids of the portal users who attended."),
    )
    external_attendees = serializers.CharField(
        allow_blank=True, required=False, help_text=_("People without a login, one per line.")
    )
    minutes = serializers.CharField(allow_blank=True, required=False, help_text=_("Markdown."))


class DecisionCreateInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("The decision, as minuted."))


class ActionItemWriteInputSerializer(serializers.Serializer):
    """An action item; PUT sends all of it, PATCH only what changes. Meetings and decisions
    are chosen among those the caller sees (`visible_to`, from the context's request), as in
    the pages' form."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(allow_blank=True, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=people(), help_text=_("Id of the person who must do it.")
    )
    due_on = BoundedDateField()
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.none(), allow_null=True, required=False
    )
    decision = serializers.PrimaryKeyRelatedField(
        queryset=Decision.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("The decision must belong to the meeting given."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema's generator: no choices to narrow
            return
        meetings = Meeting.objects.visible_to(request.user).active()
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["decision"].queryset = Decision.objects.filter(meeting__in=meetings)  # type: ignore[attr-defined]
