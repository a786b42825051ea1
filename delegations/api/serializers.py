"""Serializers of the delegations API (read-only, plus the transition input).

A visit has three shapes, chosen by `delegations.api.permissions.visit_serializer_class`:

* `VisitInternalDetailSerializer` for people inside government: everything, with budget
  totals, the logistics summary, internal notes and items' notes;
* `VisitDetailSerializer` for machine accounts: the same without internal notes, budget,
  logistics and items' notes;
* `VisitSharedDetailSerializer` for BGI's liaison on a shared visit: title, status, dates,
  destination, purpose, objectives and the itinerary, nothing else.

No shape carries personal documents: members appear with their name, role, organisation and
the results of their readiness checks (never e-mail addresses or the dates behind the checks).
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collaboration.models import PriorityArea, Recommendation
from delegations import selectors
from delegations.models import DelegationMember, ItineraryItem, Site, Visit, VisitObjective
from delegations.selectors import INTERNAL_ROLES, MINISTRY_ROLES, people_with_roles
from delegations.workflows import TRANSITIONS_WITH_DATA, VISIT_FLOW
from portal.api.serializers import UserRefSerializer
from portal.api.writes import BoundedDateField, BoundedDateTimeField

# Sites ---------------------------------------------------------------------------------------


class SiteSerializer(serializers.ModelSerializer):
    """A place the delegation visits, with the names of BGI's capabilities there."""

    timezone = serializers.CharField(read_only=True, help_text=gettext_lazy("IANA zone name."))
    capabilities: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta:
        model = Site
        fields = ["id", "name", "organisation", "city", "country", "timezone", "capabilities"]
        read_only_fields = fields


class SiteRefSerializer(serializers.ModelSerializer):
    timezone = serializers.CharField(read_only=True)

    class Meta:
        model = Site
        fields = ["id", "name", "city", "country", "timezone"]
        read_only_fields = fields


# Objectives and itinerary --------------------------------------------------------------------


class VisitObjectiveSharedSerializer(serializers.ModelSerializer):
    priority_area: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        read_only=True, slug_field="slug"
    )

    class Meta:
        model = VisitObjective
        fields = ["id", "priority_area", "text", "position"]
        read_only_fields = fields


class VisitObjectiveSerializer(VisitObjectiveSharedSerializer):
    class Meta(VisitObjectiveSharedSerializer.Meta):
        fields = ["id", "priority_area", "recommendation", "text", "position"]
        read_only_fields = fields


class ItineraryAttendeeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ItineraryItemSharedSerializer(serializers.ModelSerializer):
    """An itinerary entry: UTC times, the place's zone and the wall-clock times there."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    site = SiteRefSerializer(read_only=True, allow_null=True)
    starts_at = serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)
    ends_at = serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)
    timezone = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The place's IANA zone, e.g. Asia/Shanghai.")
    )
    local_start = serializers.SerializerMethodField()
    local_end = serializers.SerializerMethodField()
    attendees = ItineraryAttendeeSerializer(many=True, read_only=True)
    is_outside_visit = serializers.BooleanField(
        source="lies_outside_visit",
        read_only=True,
        help_text=gettext_lazy("The entry falls before departure or after return."),
    )

    class Meta:
        model = ItineraryItem
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "site",
            "starts_at",
            "ends_at",
            "timezone",
            "local_start",
            "local_end",
            "counterparts",
            "attendees",
            "is_outside_visit",
        ]
        read_only_fields = fields

    def get_local_start(self, obj: ItineraryItem) -> str:
        """The start on the place's clock, ISO 8601 with its offset."""
        return obj.starts_at.astimezone(obj.zone).isoformat()

    def get_local_end(self, obj: ItineraryItem) -> str:
        """The end on the place's clock, ISO 8601 with its offset."""
        return obj.ends_at.astimezone(obj.zone).isoformat()


class ItineraryItemSerializer(ItineraryItemSharedSerializer):
    """With the members double-booked at the same time (`clashes`, from the context)."""

    clashes = serializers.SerializerMethodField()

    class Meta(ItineraryItemSharedSerializer.Meta):
        fields = [*ItineraryItemSharedSerializer.Meta.fields, "clashes"]
        read_only_fields = fields

    def get_clashes(self, obj: ItineraryItem) -> list[str]:
        return self.context.get("clashes", {}).get(obj.pk, [])


class ItineraryItemInternalSerializer(ItineraryItemSerializer):
    class Meta(ItineraryItemSerializer.Meta):
        fields = [*ItineraryItemSerializer.Meta.fields, "notes"]
        read_only_fields = fields


# Readiness -----------------------------------------------------------------------------------


def _public_detail(check: selectors.Check, member: Any) -> str:
    """The check's explanation without the date of a personal document."""
    if check.key == "passport" and not check.ok and member.passport_expires_on is not None:
        return _("The passport must be valid until six months after the return date.")
    return check.detail


class ReadinessCheckSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    ok = serializers.BooleanField(read_only=True)
    state = serializers.ChoiceField(
        choices=DelegationMember.Readiness.choices,
        read_only=True,
        help_text=gettext_lazy(
            '"done", "expected" (dated in the future: not done yet) or "missing".'
        ),
    )
    detail = serializers.CharField(read_only=True)


class DelegationMemberSerializer(serializers.Serializer):
    """A member with the result of each travel check (not the dates behind them)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    organisation = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=DelegationMember.Role.choices, read_only=True)
    role_label = serializers.CharField(read_only=True)
    is_ready = serializers.BooleanField(read_only=True)
    checks = ReadinessCheckSerializer(many=True, read_only=True)


class VisitReadinessSerializer(serializers.Serializer):
    member_count = serializers.IntegerField(read_only=True)
    ready_count = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("Share of all members' checks done (0–100).")
    )
    is_ready = serializers.BooleanField(read_only=True)
    blockers = serializers.ListField(child=serializers.CharField(), read_only=True)


def readiness_body(readiness: selectors.VisitReadiness) -> dict[str, Any]:
    """The readiness summary and per-member rows, free of personal documents' dates."""
    members, blockers = [], []
    for row in readiness.members:
        checks = [
            {
                "key": check.key,
                "label": check.label,
                "ok": check.ok,
                "state": check.state,
                "detail": _public_detail(check, row.member),
            }
            for check in row.checks
        ]
        members.append(
            {
                "id": row.member.pk,
                "name": row.member.name,
                "title": row.member.title,
                "organisation": row.member.organisation,
                "role": row.member.role,
                "role_label": row.member.get_role_display(),
                "is_ready": row.is_ready,
                "checks": checks,
            }
        )
        blockers += [
            f"{row.member.name}: {check['detail'] or check['label']}"
            for check in checks
            if not check["ok"]
        ]
    blockers += readiness.problems  # then the visit-wide ones
    summary = {
        "member_count": len(readiness.members),
        "ready_count": readiness.ready_count,
        "percent": readiness.percent,
        "is_ready": readiness.is_ready,
        "blockers": blockers,
    }
    return {"summary": summary, "members": members}


# Visits --------------------------------------------------------------------------------------


class VisitSharedSerializer(serializers.ModelSerializer):
    """A visit as BGI's liaison sees it in a list (the status is on BGI's pages too)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "starts_on",
            "ends_on",
            "destination",
            "purpose",
        ]
        read_only_fields = fields


class VisitSharedDetailSerializer(VisitSharedSerializer):
    """A shared visit as BGI's liaison sees it: objectives and itinerary, nothing internal."""

    objectives = serializers.SerializerMethodField()
    itinerary = ItineraryItemSharedSerializer(many=True, read_only=True)

    class Meta(VisitSharedSerializer.Meta):
        fields = [*VisitSharedSerializer.Meta.fields, "objectives", "itinerary"]
        read_only_fields = fields

    @extend_schema_field(VisitObjectiveSharedSerializer(many=True))
    def get_objectives(self, obj: Visit) -> list:
        rows = obj.current_objectives()
        return list(VisitObjectiveSharedSerializer(rows, many=True).data)


class VisitSerializer(serializers.ModelSerializer):
    """A visit in the list (people inside government and machine accounts)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "title",
            "purpose",
            "status",
            "status_label",
            "starts_on",
            "ends_on",
            "destination",
            "is_shared_with_bgi",
            "official_reference",
            "version",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = fields


class VisitInvitationSerializer(serializers.Serializer):
    received_on = serializers.DateField(read_only=True, allow_null=True)
    reference = serializers.CharField(read_only=True)
    has_letter = serializers.BooleanField(read_only=True)


class VisitDetailSerializer(VisitSerializer):
    """A visit with its readiness, members, objectives, itinerary and the caller's next steps.

    Rows come from `selectors.visit_detail_queryset`; readiness and double bookings are
    worked out from the prefetched members and itinerary.
    """

    itinerary_serializer_class: type[serializers.Serializer] = ItineraryItemSerializer

    responsible_officer = UserRefSerializer(read_only=True, allow_null=True)
    invitation = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    objectives = serializers.SerializerMethodField()
    itinerary = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta(VisitSerializer.Meta):
        fields = [
            *VisitSerializer.Meta.fields,
            "responsible_officer",
            "invitation",
            "travel_approval_reference",
            "readiness",
            "members",
            "objectives",
            "itinerary",
            "available_transitions",
        ]
        read_only_fields = fields

    def _readiness(self, obj: Visit) -> dict[str, Any]:
        cache = self.__dict__.setdefault("_readiness_cache", {})
        if obj.pk not in cache:
            readiness = selectors.visit_readiness(obj, list(obj.members.all()))
            cache[obj.pk] = readiness_body(readiness)
        return cache[obj.pk]

    @extend_schema_field(VisitInvitationSerializer)
    def get_invitation(self, obj: Visit) -> dict[str, Any]:
        return {
            "received_on": obj.invitation_received_on,
            "reference": obj.invitation_reference,
            "has_letter": bool(obj.invitation_letter),
        }

    @extend_schema_field(VisitReadinessSerializer)
    def get_readiness(self, obj: Visit) -> dict[str, Any]:
        return dict(VisitReadinessSerializer(self._readiness(obj)["summary"]).data)

    @extend_schema_field(DelegationMemberSerializer(many=True))
    def get_members(self, obj: Visit) -> list:
        return list(DelegationMemberSerializer(self._readiness(obj)["members"], many=True).data)

    @extend_schema_field(VisitObjectiveSerializer(many=True))
    def get_objectives(self, obj: Visit) -> list:
        rows = obj.current_objectives()
        return list(VisitObjectiveSerializer(rows, many=True).data)

    @extend_schema_field(ItineraryItemSerializer(many=True))
    def get_itinerary(self, obj: Visit) -> list:
        items = list(obj.itinerary.all())
        context = {**self.context, "clashes": selectors.double_bookings(items)}
        return list(self.itinerary_serializer_class(items, many=True, context=context).data)

    def get_available_transitions(self, obj: Visit) -> list[str]:
        """Names of the steps the caller may take now through `transitions/`."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [
            t.name for t in VISIT_FLOW.available(obj, user) if t.name not in TRANSITIONS_WITH_DATA
        ]


class VisitBudgetSerializer(serializers.Serializer):
    estimated_pkr = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    actual_pkr = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class VisitLogisticsSerializer(serializers.Serializer):
    total = serializers.IntegerField(read_only=True)
    done = serializers.IntegerField(read_only=True)
    overdue = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("Open tasks whose due date has passed.")
    )


class VisitInternalDetailSerializer(VisitDetailSerializer):
    """For people inside government: adds internal notes, budget totals, logistics summary and
    the itinerary items' notes."""

    itinerary_serializer_class = ItineraryItemInternalSerializer

    budget = serializers.SerializerMethodField()
    logistics = serializers.SerializerMethodField()

    class Meta(VisitDetailSerializer.Meta):
        fields = [*VisitDetailSerializer.Meta.fields, "internal_notes", "budget", "logistics"]
        read_only_fields = fields

    @extend_schema_field(ItineraryItemInternalSerializer(many=True))
    def get_itinerary(self, obj: Visit) -> list:
        return super().get_itinerary(obj)

    @extend_schema_field(VisitBudgetSerializer)
    def get_budget(self, obj: Visit) -> dict[str, Any]:
        totals = selectors.budget_totals(obj)
        body = {"estimated_pkr": totals["estimated"], "actual_pkr": totals["actual"]}
        return dict(VisitBudgetSerializer(body).data)

    @extend_schema_field(VisitLogisticsSerializer)
    def get_logistics(self, obj: Visit) -> dict[str, Any]:
        today = self.context.get("today") or timezone.localdate()
        tasks = list(obj.logistics.only("visit_id", "done_on", "due_on"))
        return {
            "total": len(tasks),
            "done": sum(1 for task in tasks if task.is_done),
            "overdue": sum(1 for task in tasks if task.is_overdue_on(today)),
        }


# Transitions ---------------------------------------------------------------------------------


class VisitTransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(VISIT_FLOW.transitions))
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    travel_approval_reference = serializers.CharField(
        max_length=100,
        allow_blank=True,
        required=False,
        default="",
        help_text=gettext_lazy("The government's travel approval reference (for `approve`)."),
    )


# Inputs ---------------------------------------------------------------------------------------


class VisitWriteInputSerializer(serializers.Serializer):
    """A visit's description; PUT sends all of it, PATCH only what changes."""

    title = serializers.CharField(max_length=300)
    purpose = serializers.CharField(
        allow_blank=True, required=False, help_text=gettext_lazy("Shared with BGI. Markdown.")
    )
    starts_on = BoundedDateField(allow_null=True, required=False)
    ends_on = BoundedDateField(
        allow_null=True,
        required=False,
        help_text=gettext_lazy("The return date, not before the departure date."),
    )
    destination = serializers.CharField(max_length=200, required=False)
    responsible_officer = serializers.PrimaryKeyRelatedField(
        queryset=people_with_roles(MINISTRY_ROLES),
        allow_null=True,
        required=False,
        help_text=gettext_lazy("Id of a ministry officer."),
    )
    official_reference = serializers.CharField(max_length=100, allow_blank=True, required=False)
    internal_notes = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text=gettext_lazy("Seen only inside government; never shown to BGI."),
    )


class MemberWriteInputSerializer(serializers.Serializer):
    """A delegation member and the dates of their travel readiness (no passport number)."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=people_with_roles(INTERNAL_ROLES),
        allow_null=True,
        required=False,
        help_text=gettext_lazy("Id of a ministry or NIH user; null for an external person."),
    )
    name = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        help_text=gettext_lazy("Needed for an external person; taken from the login otherwise."),
    )
    organisation = serializers.CharField(max_length=200, allow_blank=True, required=False)
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    email = serializers.EmailField(allow_blank=True, required=False)
    role = serializers.ChoiceField(choices=DelegationMember.Role.choices, required=False)
    passport_expires_on = BoundedDateField(allow_null=True, required=False)
    visa_applied_on = BoundedDateField(allow_null=True, required=False)
    visa_issued_on = BoundedDateField(allow_null=True, required=False)
    travel_approval_on = BoundedDateField(allow_null=True, required=False)
    tickets_issued_on = BoundedDateField(allow_null=True, required=False)
    insurance_on = BoundedDateField(allow_null=True, required=False)


class ObjectiveCreateInputSerializer(serializers.Serializer):
    priority_area = serializers.SlugRelatedField(
        slug_field="slug", queryset=PriorityArea.objects.none()
    )
    recommendation = serializers.PrimaryKeyRelatedField(
        queryset=Recommendation.objects.none(),
        allow_null=True,
        required=False,
        help_text=gettext_lazy("A recommendation about the same priority area."),
    )
    text = serializers.CharField(help_text=gettext_lazy("Shared with BGI when the visit is."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema's generator: no choices to narrow
            return
        viewer = request.user
        self.fields["priority_area"].queryset = PriorityArea.objects.visible_to(viewer).active()  # type: ignore[attr-defined]
        self.fields["recommendation"].queryset = (  # type: ignore[attr-defined]
            Recommendation.objects.visible_to(viewer).active()
        )


class WallClockDateTimeField(BoundedDateTimeField):
    """A time as sent: without an offset it stays wall-clock time, which the service reads in
    the place's zone; with one, it is that instant."""

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        return value


class ItineraryItemWriteInputSerializer(serializers.Serializer):
    """An itinerary entry; times are wall-clock times at the place (`timezone`, else the
    site's zone, else Asia/Shanghai) unless they carry an offset."""

    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=ItineraryItem.Kind.choices, required=False)
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.active(), allow_null=True, required=False
    )
    timezone = serializers.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        help_text=gettext_lazy("IANA zone of the times, e.g. Asia/Shanghai."),
    )
    starts = WallClockDateTimeField(help_text=gettext_lazy("e.g. 2026-05-11T09:30 (local time)."))
    ends = WallClockDateTimeField()
    counterparts = serializers.CharField(allow_blank=True, required=False)
    notes = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text=gettext_lazy("Seen by the ministry and NIH only, never by BGI."),
    )
    attendees = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=DelegationMember.objects.filter(is_active=True),
        required=False,
        help_text=gettext_lazy("Ids of members of this delegation."),
    )
    is_outside_visit = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "True for an entry before departure or after return, said on purpose; an entry "
            "outside the visit's dates is refused without it."
        ),
    )

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if "timezone" in values:
            values["timezone_name"] = values.pop("timezone")
        return values
