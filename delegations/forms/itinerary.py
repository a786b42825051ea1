"""Input shapes of the itinerary and trip-report pages.

Forms describe input only; the views pass `cleaned_data` to the services, which hold the rules.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterable
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.models import TeamMembership
from portal.models import Role, User

from ..models import DelegationMember, Finding, ItineraryItem, Site, Visit, VisitObjective

DATE_INPUT_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

# The zones an itinerary mostly needs: BGI's sites in China and home in Pakistan.
RELEVANT_ZONES = {
    "Asia/Shanghai": _("Asia/Shanghai — China (Shenzhen, Beijing)"),
    "Asia/Karachi": _("Asia/Karachi — Pakistan"),
}
INTERNAL_ROLES = [Role.MINISTRY, Role.APPROVER, Role.NIH_LEAD, Role.NIH_EXPERT]


def _helper(form_id: str) -> FormHelper:
    """Crispy renders the fields; each template writes its own <form> tag and buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.form_id = form_id
    return helper


def zone_choices(extra: Iterable[str] = ()) -> list[Any]:
    """The site's own zone first, then the relevant zones, then every other zone."""
    relevant: dict[str, Any] = dict(RELEVANT_ZONES)
    for name in sorted(set(extra)):
        relevant.setdefault(name, name)
    others = sorted(zoneinfo.available_timezones() - set(relevant))
    return [
        ("", _("The site's own time zone")),
        (_("Zones of this itinerary"), list(relevant.items())),
        (_("Other time zones"), [(name, name) for name in others]),
    ]


class WallClockDateTimeField(forms.DateTimeField):
    """A `datetime-local` value kept as wall-clock time (naive): its zone is chosen beside it.

    Django would read the value in the viewer's zone (Pakistan); an itinerary entry is read in
    the zone of its place instead, which the service applies.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> dt.datetime | None:
        # Parsed in UTC, which has no gaps or folds, then the zone is dropped again.
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return None if result is None else result.replace(tzinfo=None)


class _SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.city} ({obj.timezone})"


class _MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        role = obj.get_role_display()
        return f"{obj.name} ({role})" if obj.role != DelegationMember.Role.MEMBER else obj.name


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ItineraryItemForm(forms.Form):
    """One itinerary entry; times are typed as the clock shows them at the place."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ItineraryItem.Kind.choices, initial=ItineraryItem.Kind.MEETING
    )
    site = _SiteChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("— No site —"),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone of the times below"),
        required=False,
        help_text=_(
            "Type the times as the clock shows them there. By default the site's own zone "
            "(Asia/Shanghai without a site); Pakistan time is worked out for you."
        ),
    )
    starts = WallClockDateTimeField(label=_("Starts (local time)"))
    ends = WallClockDateTimeField(label=_("Ends (local time)"))
    is_outside_visit = forms.BooleanField(
        label=_("Outside the visit's dates"),
        required=False,
        help_text=_(
            "Tick for an entry before departure or after return on purpose; "
            "everyone who sees the entry is told."
        ),
    )
    counterparts = forms.CharField(
        label=_("BGI counterparts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who receives the delegation, one per line."),
    )
    notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the ministry and NIH only, never by BGI."),
    )
    attendees = _MemberChoiceField(
        label=_("Attending members"),
        queryset=DelegationMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, visit: Visit, item: ItineraryItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Active sites, and the item's own site even if it has since been archived.
        sites = Site.objects.active()
        if item is not None and item.site_id:
            sites = sites | Site.objects.filter(pk=item.site_id)
        sites = sites.order_by("country", "city", "name")
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = sites
        site_zones = dict(sites.values_list("pk", "timezone"))
        # Lets itinerary.js say which zone "the site's own" is while the form is filled in.
        self.fields["site"].widget.attrs["data-site-zones"] = json.dumps(
            {str(pk): zone for pk, zone in site_zones.items()}
        )
        extra = set(site_zones.values()) | ({item.timezone} if item is not None else set())
        cast(forms.ChoiceField, self.fields["timezone"]).choices = zone_choices(extra)
        current_attendees = (
            Q(pk__in=item.attendees.values("pk")) if item is not None else Q(pk=None)
        )
        cast(
            forms.ModelChoiceField, self.fields["attendees"]
        ).queryset = DelegationMember.objects.filter(
            Q(visit=visit, is_active=True) | current_attendees
        ).order_by("role", "name")
        if item is not None:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.helper = _helper("itinerary-item-form")

    @staticmethod
    def initial_for(item: ItineraryItem) -> dict[str, Any]:
        """The item as the form shows it: wall-clock times in the item's own zone."""
        zone = item.zone
        return {
            "title": item.title,
            "kind": item.kind,
            "site": item.site_id,
            "timezone": item.timezone,
            "starts": item.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends": item.ends_at.astimezone(zone).replace(tzinfo=None),
            "is_outside_visit": item.is_outside_visit,
            "counterparts": item.counterparts,
            "notes": item.notes,
            "attendees": [member.pk for member in item.attendees.all()],
            "version": item.version,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        # Both times are in the same zone, so their wall-clock order is their real order.
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
        return cleaned


# The trip report ----------------------------------------------------------------------------


def internal_people() -> QuerySet[User]:
    """Active ministry and NIH people: the ones who can own an action item."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in INTERNAL_ROLES])
        .distinct()
        .order_by("full_name", "username")
    )


def team_members() -> QuerySet[User]:
    """Active NIH people currently on the technical team: the ones who can draft a recommendation."""
    return (
        User.objects.filter(
            is_active=True,
            groups__name__in=[Role.NIH_LEAD.value, Role.NIH_EXPERT.value],
            team_memberships__in=TeamMembership.objects.current(),
        )
        .distinct()
        .order_by("full_name", "username")
    )


class TripReportSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the visit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists with “-”, links."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("trip-report-summary-form")


class _ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.priority_area.name}: {obj.text[:120]}"


class FindingForm(forms.Form):
    """A finding, and what should follow from it once the report is submitted."""

    text = forms.CharField(
        label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    objective = _ObjectiveChoiceField(
        label=_("Objective"),
        queryset=VisitObjective.objects.none(),
        required=False,
        empty_label=_("— Not about one objective —"),
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up when the report is submitted"),
        choices=Finding.FollowUp.choices,
        initial=Finding.FollowUp.NONE,
        widget=forms.RadioSelect(attrs={"data-follow-up-choice": ""}),
    )
    action_owner = _PersonChoiceField(
        label=_("Owner of the action item"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A ministry or NIH person."),
    )
    due_on = forms.DateField(
        label=_("Action item due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT_FORMAT),
    )
    recommendation_owner = _PersonChoiceField(
        label=_("NIH team member who drafts the recommendation"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The draft is made in their name, under the objective's priority area."),
    )

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["objective"]).queryset = (
            VisitObjective.objects.active()
            .filter(visit=visit)
            .select_related("priority_area")
            .order_by("position", "pk")
        )
        cast(forms.ModelChoiceField, self.fields["action_owner"]).queryset = internal_people()
        cast(forms.ModelChoiceField, self.fields["recommendation_owner"]).queryset = team_members()
        for name, follow_up in (
            ("action_owner", Finding.FollowUp.ACTION_ITEM),
            ("due_on", Finding.FollowUp.ACTION_ITEM),
            ("recommendation_owner", Finding.FollowUp.RECOMMENDATION),
        ):
            self.fields[name].widget.attrs["data-follow-up-field"] = follow_up
        self.helper = _helper("finding-form")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        follow_up = cleaned.get("follow_up")
        if follow_up == Finding.FollowUp.ACTION_ITEM:
            if not cleaned.get("action_owner"):
                self.add_error("action_owner", _("An action item needs an owner."))
            if not cleaned.get("due_on"):
                self.add_error("due_on", _("An action item needs a due date."))
        elif follow_up == Finding.FollowUp.RECOMMENDATION:
            if not cleaned.get("recommendation_owner"):
                self.add_error(
                    "recommendation_owner", _("Choose the NIH team member who drafts it.")
                )
            if not cleaned.get("objective") and "objective" not in self.errors:
                self.add_error(
                    "objective", _("A draft recommendation needs the objective it serves.")
                )
        return cleaned

    def owner(self) -> User | None:
        """The owner that goes with the chosen follow-up."""
        follow_up = self.cleaned_data["follow_up"]
        if follow_up == Finding.FollowUp.ACTION_ITEM:
            owner: User | None = self.cleaned_data["action_owner"]
            return owner
        if follow_up == Finding.FollowUp.RECOMMENDATION:
            drafter: User | None = self.cleaned_data["recommendation_owner"]
            return drafter
        return None


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("PDF only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("attachment-form")


class TripReportSubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the record (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("trip-report-submit-form")
