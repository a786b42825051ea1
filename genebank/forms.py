"""Input shapes of the gene bank's pages; rules stay in the services and checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Agreement, Approval, Cohort, ConsentVersion, Material, Transfer, Use


class TransferForm(forms.Form):
    """A transfer as ministry staff draft it."""

    reference = forms.CharField(label=_("Reference"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Transfer.Kind.choices)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none())
    consent_versions = forms.ModelMultipleChoiceField(
        label=_("Consent versions it relies on"), queryset=ConsentVersion.objects.none()
    )
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.none())
    approvals = forms.ModelMultipleChoiceField(
        label=_("Approvals"), queryset=Approval.objects.none(), required=False
    )
    material = forms.ChoiceField(label=_("Sample or data type"), choices=Material.choices)
    quantity = forms.IntegerField(label=_("Count (samples or records)"), min_value=1)
    purpose_use = forms.ChoiceField(label=_("Use it serves"), choices=Use.choices)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    destination_site = forms.CharField(label=_("Destination site"), max_length=200)
    is_addressed_to_bgi = forms.BooleanField(
        label=_("Addressed to BGI"), required=False, initial=True
    )
    is_deidentified = forms.BooleanField(
        label=_("I attest the samples or data are de-identified to the plan's standard"),
        required=False,
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohorts = Cohort.objects.visible_to(viewer).active()
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        self.fields["consent_versions"].queryset = ConsentVersion.objects.filter(  # type: ignore[attr-defined]
            cohort__in=cohorts
        ).select_related("cohort")
        self.fields["agreement"].queryset = Agreement.objects.visible_to(viewer).active()  # type: ignore[attr-defined]
        self.fields["approvals"].queryset = Approval.objects.visible_to(viewer).active()  # type: ignore[attr-defined]


class TransferTransitionForm(forms.Form):
    """A workflow step as posted by a step button."""

    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False)


class SignedCopyForm(forms.Form):
    """The scanned signed agreement."""

    file = forms.FileField(
        label=_("Signed copy (PDF)"),
        help_text=_("Kept once with its SHA-256; it cannot be replaced afterwards."),
    )


class AgreementForm(forms.Form):
    """An MTA or a data transfer agreement entered in the register."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Agreement.Kind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    parties = forms.CharField(label=_("Parties"), max_length=300)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 2}))
    materials = forms.MultipleChoiceField(
        label=_("Sample and data types"), choices=Material.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    permitted_uses = forms.MultipleChoiceField(
        label=_("Permitted uses"), choices=Use.choices, widget=forms.CheckboxSelectMultiple
    )
    onward_sharing_allowed = forms.BooleanField(label=_("Onward sharing allowed"), required=False)
    end_of_use = forms.ChoiceField(label=_("At the end of use"), choices=Agreement.EndOfUse.choices)
    max_quantity = forms.IntegerField(label=_("Limit (samples or records)"), min_value=1)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))


class ApprovalForm(forms.Form):
    """An ethics approval, export permit or other clearance entered in the register."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Approval.Kind.choices)
    authority = forms.CharField(label=_("Committee or authority"), max_length=200)
    reference = forms.CharField(label=_("Reference"), max_length=100)
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Cohorts"), queryset=Cohort.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohorts"].queryset = Cohort.objects.visible_to(viewer).active()  # type: ignore[attr-defined]


class CohortProgressForm(forms.Form):
    """Participants enrolled and samples collected so far."""

    enrolled_participants = forms.IntegerField(label=_("Enrolled participants"), min_value=0)
    collected_samples = forms.IntegerField(label=_("Collected samples"), min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConsentVersionForm(forms.Form):
    """A new version of the cohort's consent form."""

    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 4}))
    text_ur = forms.CharField(
        label=_("Text (Urdu)"), widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ur"})
    )
    permitted_uses = forms.MultipleChoiceField(
        label=_("Permitted uses"), choices=Use.choices, widget=forms.CheckboxSelectMultiple
    )
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"})
    )
