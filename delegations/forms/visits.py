"""Input shapes of the visit pages: list filters, the visit, its workflow steps and sharing,
BGI's invitation, objectives, members with their readiness dates, logistics tasks and
budget lines. Forms carry no rules; views hand their data to services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from collaboration.models import PriorityArea, Recommendation

from ..models import BudgetLine, DelegationMember, Visit
from ..selectors import INTERNAL_ROLES, MINISTRY_ROLES
from ..selectors import people_with_roles as _people
from ..services import MemberData, VisitData


class DateInput(forms.DateInput):
    """The browser's date picker; values travel as ISO dates (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    """A portal user shown by name and organisation."""

    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.get_organisation_display()
        return f"{obj.display_name} ({organisation})" if organisation else obj.display_name


class _ChoosingForm(forms.Form):
    """A form whose choice lists are narrowed to what the viewer may pick."""

    def _choices(self, name: str) -> forms.ModelChoiceField:
        return cast(forms.ModelChoiceField, self.fields[name])


def _helper(form_id: str, submit_label: Any, *, form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_id = form_id
    helper.form_tag = form_tag
    helper.add_input(Submit("save", submit_label, css_class="btn-primary"))
    return helper


# The list -------------------------------------------------------------------------------------


class VisitFilterForm(forms.Form):
    """The filter bar above the visit list (fields come from the FilterSet)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "visit-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("status", css_class="col-md-4"),
                Column("date_from", css_class="col-md-4"),
                Column("date_to", css_class="col-md-4"),
            )
        )
        self.helper.add_input(Submit("filter", _("Apply filters"), css_class="btn-primary"))


class VisitFilter(django_filters.FilterSet):
    """Status and a date range: a visit matches when any of its days falls in the range."""

    status = django_filters.ChoiceFilter(
        choices=Visit.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    date_from = django_filters.DateFilter(
        method="filter_from",
        label=_("Travelling on or after"),
        widget=DateInput,
        help_text=_("Visits that end on or after this day."),
    )
    date_to = django_filters.DateFilter(
        method="filter_to",
        label=_("Travelling on or before"),
        widget=DateInput,
        help_text=_("Visits that start on or before this day."),
    )

    class Meta:
        model = Visit
        fields = ["status", "date_from", "date_to"]
        form = VisitFilterForm

    def filter_from(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        return queryset.annotate(last_day=Coalesce(F("ends_on"), F("starts_on"))).filter(
            last_day__gte=value
        )

    def filter_to(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        return queryset.filter(starts_on__lte=value)


# The visit ------------------------------------------------------------------------------------


class VisitForm(_ChoosingForm):
    """A visit's description; on edit it also carries the version it was read at."""

    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the visit is for; shared with BGI when the visit is shared. Markdown."),
    )
    starts_on = forms.DateField(label=_("Departure date"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Return date"), required=False, widget=DateInput)
    destination = forms.CharField(label=_("Destination"), max_length=200, initial="Shenzhen, China")
    responsible_officer = PersonChoiceField(
        label=_("Responsible ministry officer"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Not assigned yet"),
    )
    official_reference = forms.CharField(
        label=_("Official reference"),
        max_length=100,
        required=False,
        help_text=_("The ministry's file or diary number, for example “F.No. 3-7/2026-IHR”."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen only inside government; never shown to BGI. Markdown."),
    )

    def __init__(self, *args: Any, with_version: bool = False, submit_label: Any = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self._choices("responsible_officer").queryset = _people(
            MINISTRY_ROLES, keep=self.initial.get("responsible_officer")
        )
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.helper = _helper("visit-form", submit_label or _("Save visit"))
        self.helper.layout = Layout(
            "title",
            "purpose",
            Row(
                Column("starts_on", css_class="col-md-6"),
                Column("ends_on", css_class="col-md-6"),
            ),
            "destination",
            "responsible_officer",
            Fieldset(_("Internal"), "official_reference", "internal_notes"),
            *(["version"] if with_version else []),
        )

    def to_data(self) -> VisitData:
        data = self.cleaned_data
        return VisitData(
            title=data["title"],
            purpose=data["purpose"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            destination=data["destination"],
            responsible_officer=data["responsible_officer"],
            internal_notes=data["internal_notes"],
            official_reference=data["official_reference"],
        )


def visit_initial(visit: Visit) -> dict[str, Any]:
    """The edit form's starting values: the visit as saved."""
    return {
        "title": visit.title,
        "purpose": visit.purpose,
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
        "destination": visit.destination,
        "responsible_officer": visit.responsible_officer_id,
        "official_reference": visit.official_reference,
        "internal_notes": visit.internal_notes,
        "version": visit.version,
    }


class VisitTransitionForm(forms.Form):
    """A workflow step as posted by a step button on the overview."""

    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False)
    travel_approval_reference = forms.CharField(required=False, max_length=100)


class VisitShareForm(forms.Form):
    """Share the visit with BGI's liaison ("1") or stop sharing it ("0")."""

    shared = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class InvitationForm(forms.Form):
    """BGI's invitation letter (a PDF) with the day it arrived and its reference."""

    letter = forms.FileField(
        label=_("Invitation letter (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    reference = forms.CharField(
        label=_("BGI's reference"),
        max_length=100,
        required=False,
        help_text=_("The letter's own reference number, for example “BGI/IC/118”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, max_mb: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"].help_text = _("A PDF document, at most %(mb)s MB.") % {"mb": max_mb}
        self.helper = _helper("invitation-form", _("Record the invitation"))


# Objectives -----------------------------------------------------------------------------------


class ObjectiveForm(_ChoosingForm):
    """What the visit should achieve, tied to a priority area and optionally a recommendation."""

    priority_area = forms.ModelChoiceField(
        label=_("Priority area"), queryset=PriorityArea.objects.none()
    )
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation (optional)"),
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("A recommendation about the same priority area that the visit follows up."),
    )
    text = forms.CharField(
        label=_("Objective"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shared with BGI when the visit is shared."),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("priority_area").queryset = PriorityArea.objects.visible_to(viewer).active()
        self._choices("recommendation").queryset = (
            Recommendation.objects.visible_to(viewer).active().order_by("title")
        )
        self.helper = _helper("objective-form", _("Add objective"))


# Members --------------------------------------------------------------------------------------

READINESS_DATES = (
    "passport_expires_on",
    "visa_applied_on",
    "visa_issued_on",
    "travel_approval_on",
    "tickets_issued_on",
    "insurance_on",
)


class MemberForm(_ChoosingForm):
    """A delegation member: a portal user, or an external person typed in; role and the dates
    of their travel readiness. Only the passport's expiry date is asked, never its number."""

    user = PersonChoiceField(
        label=_("Portal user"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Not a portal user (type the person below)"),
        help_text=_("Ministry and NIH people with a login. Leave empty for an external person."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Needed for an external person; taken from the login otherwise."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    title = forms.CharField(label=_("Title or position"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role in the delegation"),
        choices=DelegationMember.Role.choices,
        initial=DelegationMember.Role.MEMBER,
    )
    passport_expires_on = forms.DateField(
        label=_("Passport expires on"),
        required=False,
        widget=DateInput,
        help_text=_("It must be valid six months after the return date. No passport number."),
    )
    visa_applied_on = forms.DateField(label=_("Visa applied on"), required=False, widget=DateInput)
    visa_issued_on = forms.DateField(label=_("Visa issued on"), required=False, widget=DateInput)
    travel_approval_on = forms.DateField(
        label=_("Travel approval (NOC) on"), required=False, widget=DateInput
    )
    tickets_issued_on = forms.DateField(
        label=_("Tickets issued on"), required=False, widget=DateInput
    )
    insurance_on = forms.DateField(
        label=_("Insurance arranged on"), required=False, widget=DateInput
    )

    def __init__(self, *args: Any, submit_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("user").queryset = _people(INTERNAL_ROLES, keep=self.initial.get("user"))
        self.helper = _helper("member-form", submit_label or _("Save member"))
        self.helper.layout = Layout(
            Fieldset(
                _("Who"),
                "user",
                Row(Column("name", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                Row(
                    Column("organisation", css_class="col-md-6"),
                    Column("title", css_class="col-md-6"),
                ),
                "role",
            ),
            Fieldset(
                _("Travel readiness"),
                Row(*[Column(name, css_class="col-md-6 col-lg-4") for name in READINESS_DATES]),
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the member's name, or choose a portal user."))
        applied, issued = data.get("visa_applied_on"), data.get("visa_issued_on")
        if applied and issued and issued < applied:
            self.add_error(
                "visa_issued_on", _("The visa cannot be issued before it was applied for.")
            )
        return data

    def to_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            user=data["user"],
            name=data["name"].strip(),
            organisation=data["organisation"],
            title=data["title"],
            email=data["email"],
            role=data["role"],
            **{name: data[name] for name in READINESS_DATES},
        )


def member_initial(member: DelegationMember) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "user": member.user_id,
        "name": member.name,
        "organisation": member.organisation,
        "title": member.title,
        "email": member.email,
        "role": member.role,
    }
    initial.update({name: getattr(member, name) for name in READINESS_DATES})
    return initial


# Logistics and budget -------------------------------------------------------------------------


class LogisticsTaskForm(_ChoosingForm):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("owner").queryset = _people(INTERNAL_ROLES)
        self.helper = _helper("logistics-form", _("Add task"))
        self.helper.layout = Layout(
            Row(
                Column("title", css_class="col-lg-6"),
                Column("owner", css_class="col-md-6 col-lg-3"),
                Column("due_on", css_class="col-md-6 col-lg-3"),
            )
        )


class LogisticsDoneForm(forms.Form):
    """Mark a task done ("1") or not done ("0")."""

    done = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetLine.Category.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    estimated_pkr = forms.DecimalField(
        label=_("Estimated (PKR)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Digits only, for example 1250000."),
    )
    actual_pkr = forms.DecimalField(
        label=_("Actual (PKR)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty until the cost is known."),
    )

    def __init__(self, *args: Any, submit_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("budget-form", submit_label or _("Add budget line"))
        self.helper.layout = Layout(
            Row(
                Column("category", css_class="col-md-6 col-lg-3"),
                Column("description", css_class="col-md-6 col-lg-3"),
                Column("estimated_pkr", css_class="col-md-6 col-lg-3"),
                Column("actual_pkr", css_class="col-md-6 col-lg-3"),
            )
        )

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "estimated_pkr": data["estimated_pkr"],
            "actual_pkr": data["actual_pkr"],
        }
