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
