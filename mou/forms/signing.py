"""Input shapes of the review, clearance, signing and obligation pages.

Forms describe input only; the views pass `cleaned_data` to the services, which hold the rules.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Role, User

from ..models import Clause, Clearance, MouVersion, Party, ReviewRequest

DATE_INPUT_FORMAT = "%Y-%m-%d"

# The people a review can name and an obligation can be given to: ministry and NIH staff.
INTERNAL_ROLES = (Role.MINISTRY, Role.APPROVER, Role.NIH_LEAD, Role.NIH_EXPERT)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT_FORMAT)


def _helper(form_id: str = "") -> FormHelper:
    """Crispy renders the fields; each template writes its own <form> tag and buttons."""
    helper = FormHelper()
    helper.form_tag = False
    if form_id:
        helper.form_id = form_id
    return helper


def internal_people() -> QuerySet[User]:
    """Active ministry and NIH people (machine accounts and BGI are not among them)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in INTERNAL_ROLES])
        .distinct()
        .order_by("full_name", "username")
    )


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class _PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class _VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = _("Version %(n)s") % {"n": obj.number}
        return f"{label} — {obj.note}" if obj.note else str(label)


class _ClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.heading_en}"


# Review rounds and clearances ---------------------------------------------------------------


class ReviewRoundForm(forms.Form):
    """Ask named ministry and NIH people to approve a published version or request changes."""

    version = _VersionChoiceField(
        label=_("Version to review"), queryset=MouVersion.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Answers due on"), required=False, widget=_date_widget())
    reviewers = _PeopleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each named reviewer approves or requests changes; the round closes when all have answered."
        ),
    )

    def __init__(
        self, *args: Any, versions: QuerySet[MouVersion], reviewers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["reviewers"].queryset = reviewers  # type: ignore[attr-defined]
        self.helper = _helper("review-round-form")


class ReviewAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (ReviewRequest.Decision.APPROVED.value, _("Approve this version")),
            (ReviewRequest.Decision.CHANGES.value, _("Request changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes: say which."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("review-answer-form")


class ClearanceForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Clearance.Decision.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("clearance-form")


# Signing ------------------------------------------------------------------------------------


class SignatoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    party = forms.ChoiceField(
        label=_("Party"),
        choices=[("", _("None (a witness only)")), *Party.choices],
        required=False,
        help_text=_("Signatories sign for a party; a witness need not stand for one."),
    )
    is_witness = forms.BooleanField(label=_("Witness (does not sign for a party)"), required=False)
    order = forms.IntegerField(
        label=_("Signing order"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty to sign after the signatories already named."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("signatory-form")


class SignatureForm(forms.Form):
    """A signature as it happened, or a refusal to sign with its reason."""

    signed_on = forms.DateField(label=_("Date"), widget=_date_widget())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    declined = forms.BooleanField(label=_("The signatory declined to sign"), required=False)
    decline_reason = forms.CharField(
        label=_("Why the signatory declined"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate
        self.helper = _helper("signature-form")


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Scanned signed MoU (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Kept once with its SHA-256; it cannot be replaced afterwards."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("signed-copy-form")


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("File to check"),
        help_text=_("Compared with the signed copy by SHA-256; the file is not kept."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("verify-form")


class EntryIntoForceForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective date"), widget=_date_widget())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("entry-into-force-form")


# Obligations --------------------------------------------------------------------------------


class ObligationForm(forms.Form):
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices)
    description = forms.CharField(
        label=_("Obligation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due on"), widget=_date_widget())
    owner = _PersonChoiceField(
        label=_("Followed up by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody named yet"),
    )
    clause = _ClauseChoiceField(
        label=_("Clause"),
        queryset=Clause.objects.none(),
        required=False,
        empty_label=_("No particular clause"),
    )

    def __init__(
        self, *args: Any, owners: QuerySet[User], clauses: QuerySet[Clause], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["clause"].queryset = clauses  # type: ignore[attr-defined]
        self.helper = _helper("obligation-form")


class ObligationTransitionForm(forms.Form):
    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000)
