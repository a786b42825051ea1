"""Input shape of the reports page: which report, in which format."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report


class ReportRequestForm(forms.Form):
    """Ask for a report: the programme status report or the action items, as PDF or .xlsx."""

    kind = forms.ChoiceField(
        label=_("Report"),
        choices=Report.Kind.choices,
        initial=Report.Kind.PROGRAMME_STATUS,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Report.Format.choices,
        initial=Report.Format.PDF,
        widget=forms.RadioSelect,
    )
