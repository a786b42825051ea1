"""Input shapes of the programme pages: indicator values, the team, meetings, action items.

Forms describe input only; the views pass `cleaned_data` to the services, which hold the rules.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import User

from ..models import ActionItem, Capability, Decision, Meeting, TeamMembership
from ..selectors import people

DATE_INPUT_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT_FORMAT)


def _helper(*, form_id: str = "", method: str = "post") -> FormHelper:
    """Crispy renders the fields; each template writes its own <form> tag and buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.form_method = method
    if form_id:
        helper.form_id = form_id
    return helper


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Choices that depend on the request (the viewer's scope, the team) are set per form."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    field.queryset = queryset


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class _PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


# Priority areas -----------------------------------------------------------------------------


class IndicatorValueForm(forms.Form):
    """The value of one indicator for one reporting period."""

    period = forms.CharField(
        label=_("Reporting period"),
        max_length=20,
        help_text=_("For example 2026-Q3. Recording a period again corrects its value."),
    )
    period_end_on = forms.DateField(label=_("Period ends on"), widget=_date_widget())
    actual = forms.DecimalField(label=_("Actual value"), max_digits=14, decimal_places=2)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        assume_scheme="https",
        help_text=_("A link to the report or data set behind the value."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# Capabilities -------------------------------------------------------------------------------


class CapabilityFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Capability.Category.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_id="capability-filter", method="get")


# The technical team -------------------------------------------------------------------------


class TeamUpdateForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200)
    terms_of_reference = forms.CharField(
        label=_("Terms of reference"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists with “-”, links."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_id="team-update-form")


class TeamMemberAddForm(forms.Form):
    user = _PersonChoiceField(label=_("NIH person"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Role on the team"),
        choices=TeamMembership.Role.choices,
        initial=TeamMembership.Role.EXPERT,
    )
    expertise = forms.CharField(label=_("Expertise"), max_length=200, required=False)
    started_on = forms.DateField(label=_("On the team from"), widget=_date_widget())

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "user", candidates)
        self.fields["started_on"].initial = timezone.localdate
        self.helper = _helper(form_id="team-member-add-form")


class TeamMemberEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Last day on the team"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for today."),
    )


# Meetings -----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    held_at = forms.DateTimeField(
        label=_("Held at"),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        help_text=_("In your time zone."),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    chair = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    official_reference = forms.CharField(
        label=_("Official reference"),
        max_length=100,
        required=False,
        help_text=_("The ministry's file or diary number, if any."),
    )
    attendees = _PeopleChoiceField(
        label=_("Attendees with a portal login"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
    )
    external_attendees = forms.CharField(
        label=_("Other attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People without a login, one per line."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "attendees", people())
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.helper = _helper(form_id="meeting-form")


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_id="decision-add-form")


# Action items -------------------------------------------------------------------------------


class _DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.meeting.title}: {obj.text[:80]}"


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = _PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )
    due_on = forms.DateField(label=_("Due on"), widget=_date_widget())
    meeting = forms.ModelChoiceField(
        label=_("From meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Not from a meeting"),
    )
    decision = _DecisionChoiceField(
        label=_("From decision"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("Not from a decision"),
        help_text=_("The decision must belong to the meeting chosen above."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        meetings: QuerySet[Meeting],
        decisions: QuerySet[Decision],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", people())
        _set_queryset(self, "meeting", meetings)
        _set_queryset(self, "decision", decisions)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        self.helper = _helper(form_id="action-item-form")


class ActionItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ActionItem.Status.choices],
    )
    owner = _PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", people())
        self.helper = _helper(form_id="action-item-filter", method="get")
        # Laid out as columns of the filter bar's row.
        self.helper.layout = Layout(
            Div("status", css_class="col-sm-6 col-md-3"),
            Div("owner", css_class="col-sm-6 col-md-4"),
            Div("overdue", css_class="col-sm-6 col-md-2 pb-2"),
        )


class TransitionForm(forms.Form):
    """One workflow step: which transition, on which version, and why."""

    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000)


class PriorityAreaTransitionForm(TransitionForm):
    """A priority area's step: priority areas carry no version, so none is required."""

    version = forms.IntegerField(min_value=1, required=False)
