"""The API of meetings, their decisions and action items: reads and writes through the same
services and policies as the pages. Split from `views.py` (programme and recommendations), as
the tests are split.
"""

from typing import Any, cast

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from collaboration.models import (
    ActionItem,
    Meeting,
    Programme,
)
from collaboration.selectors import (
    current_programme,
)
from collaboration.services import (
    ActionItemData,
    MeetingData,
    action_item_create,
    action_item_transition,
    action_item_update,
    decision_add,
    meeting_create,
    meeting_update,
)
from collaboration.workflows import ACTION_ITEM_FLOW
from portal.api.concurrency import expected_version
from portal.api.mixins import (
    AvailableTransitionsMixin,
    ConditionalRetrieveMixin,
    FilterListOnlyMixin,
    read_schema,
)
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.api.writes import (
    JsonWritesMixin,
    create_schema,
    dataclass_from,
    edit_schema,
    example,
    post_schema,
    require_version,
)
from portal.exceptions import Conflict
from portal.models import User

from .filters import ActionItemFilter
from .meeting_serializers import (
    ActionItemSerializer,
    ActionItemTransitionInputSerializer,
    ActionItemWriteInputSerializer,
    DecisionCreateInputSerializer,
    DecisionSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MeetingWriteInputSerializer,
)
from .permissions import ActionItemPermission, MeetingPermission

# Meetings and action items ---------------------------------------------------------------------


def _programme_for(user: User, refusal: str) -> Programme:
    """The programme new records go in (as in the pages); 409 before it is set up."""
    programme = current_programme(user)
    if programme is None:
        raise Conflict(refusal, code="no_programme")
    return programme


MEETING_EXAMPLE = example(
    "A steering committee meeting",
    {
        "title": "Joint steering committee, third session",
        "held_at": "2026-03-12T10:00:00+05:00",
        "location": "Islamabad",
        "chair": "Secretary of Health",
        "official_reference": "F.No. 3-7/2026-IHR",
        "attendees": [4, 7],
        "external_attendees": "Dr Li Wei (BGI)",
        "minutes": "Agreed the sequencing pilot's scope.",
    },
)
ACTION_ITEM_EXAMPLE = example(
    "An action item from a decision",
    {
        "title": "Send the sample transfer protocol to BGI",
        "description": "The draft agreed at the steering committee.",
        "owner": 7,
        "due_on": "2026-04-01",
        "meeting": 3,
        "decision": 12,
    },
)


@read_schema(MeetingSerializer, MeetingDetailSerializer, versioned=True)
@extend_schema_view(
    create=create_schema(
        MeetingWriteInputSerializer,
        MeetingDetailSerializer,
        description="Record a meeting (ministry staff), in the programme.",
        examples=[MEETING_EXAMPLE],
    ),
    update=edit_schema(MeetingWriteInputSerializer, MeetingDetailSerializer),
    partial_update=edit_schema(
        MeetingWriteInputSerializer, MeetingDetailSerializer, examples=[MEETING_EXAMPLE]
    ),
)
class MeetingViewSet(
    JsonWritesMixin,
    ConditionalRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Programme meetings; the detail has attendees, minutes, decisions and action items.
    Ministry staff record them, edit them (If-Match) and add decisions."""

    permission_classes = [IsAuthenticated, MeetingPermission]
    queryset = Meeting.objects.none()
    json_write_actions = frozenset({"create", "update", "partial_update", "decisions"})

    def get_queryset(self):
        meetings = Meeting.objects.visible_to(self.request.user)
        if self.action == "list":
            return meetings.active()
        return meetings.prefetch_related(
            "attendees",
            "decisions",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.active().select_related("owner"),
            ),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return MeetingSerializer
        return MeetingDetailSerializer

    def _fresh(self, meeting: Meeting) -> Meeting:
        return self.get_queryset().get(pk=meeting.pk)

    def create(self, request, *args, **kwargs):
        data = MeetingWriteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = _programme_for(
            request.user, _("Set up the programme before recording meetings.")
        )
        meeting = meeting_create(
            programme=programme,
            actor=request.user,
            data=dataclass_from(MeetingData, data.validated_data, many=["attendees"]),
        )
        response = self.versioned_response(self._fresh(meeting), status.HTTP_201_CREATED)
        response["Location"] = reverse("api:meeting-detail", args=[meeting.pk], request=request)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        meeting = self.get_object()
        version = expected_version(request)
        data = MeetingWriteInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        require_version(meeting, version)
        updated = meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=version,
            data=dataclass_from(
                MeetingData, data.validated_data, meeting if partial else None, many=["attendees"]
            ),
        )
        return self.versioned_response(self._fresh(updated))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @post_schema(
        DecisionCreateInputSerializer,
        DecisionSerializer,
        description="Record a decision at the end of the meeting's list (ministry staff).",
        examples=[example("A decision", {"text": "The pilot starts with 200 samples."})],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def decisions(self, request, pk=None):
        """Record a decision of the meeting."""
        meeting = self.get_object()
        data = DecisionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = decision_add(
            meeting=meeting, text=data.validated_data["text"], actor=request.user
        )
        return Response(DecisionSerializer(decision).data, status.HTTP_201_CREATED)


@read_schema(ActionItemSerializer, ActionItemSerializer, versioned=True)
@extend_schema_view(
    transitions=transitions_schema(ActionItemTransitionInputSerializer, ActionItemSerializer),
    create=create_schema(
        ActionItemWriteInputSerializer,
        ActionItemSerializer,
        description="Give someone a dated task (ministry staff), perhaps from a meeting's "
        "decision.",
        examples=[ACTION_ITEM_EXAMPLE],
    ),
    update=edit_schema(ActionItemWriteInputSerializer, ActionItemSerializer),
    partial_update=edit_schema(
        ActionItemWriteInputSerializer,
        ActionItemSerializer,
        examples=[example("Move the due date", {"due_on": "2026-04-15"})],
    ),
)
class ActionItemViewSet(
    JsonWritesMixin,
    TransitionsActionMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    AvailableTransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Action items; filter by status, owner, overdue and due date; create, edit (If-Match)
    and move them along."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    permission_classes = [IsAuthenticated, ActionItemPermission]
    workflow = transition_workflow = ACTION_ITEM_FLOW
    transition_input_serializer = ActionItemTransitionInputSerializer
    queryset = ActionItem.objects.none()
    json_write_actions = frozenset({"create", "update", "partial_update"})

    def get_queryset(self):
        items = ActionItem.objects.visible_to(self.request.user).select_related(
            "owner", "meeting", "linked_type"
        )
        if self.action == "list":
            return items.active()
        return items

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _input(self, request, partial: bool = False) -> ActionItemWriteInputSerializer:
        data = ActionItemWriteInputSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return data

    def create(self, request, *args, **kwargs):
        data = self._input(request)
        programme = _programme_for(
            request.user, _("Set up the programme before adding action items.")
        )
        item = action_item_create(
            programme=programme,
            actor=request.user,
            data=dataclass_from(ActionItemData, data.validated_data),
        )
        response = self.versioned_response(
            self.get_queryset().get(pk=item.pk), status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api:action-item-detail", args=[item.pk], request=request)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        item = self.get_object()
        version = expected_version(request)
        data = self._input(request, partial)
        require_version(item, version)
        updated = action_item_update(
            item=item,
            actor=request.user,
            expected_version=version,
            # The link to another record is kept: it is set where the item is made from it.
            data=dataclass_from(
                ActionItemData,
                data.validated_data,
                item if partial else None,
                current_values={"linked_record": item.linked_record},
            ),
        )
        return self.versioned_response(self.get_queryset().get(pk=updated.pk))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_transition(self, subject: ActionItem, data: dict, version: int) -> Any:
        return action_item_transition(
            item=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
        )
