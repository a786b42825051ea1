"""Input shapes of the MoU drafting pages: a new MoU, a clause in both languages, a clause from
an approved recommendation, publishing a version, comments and the version picker. Forms carry
no rules; views hand their data to services."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from collaboration.models import PriorityArea, Programme, Recommendation
from portal.models import Role

from ..models import Clause, Clearance, Mou
from ..selectors import clause_citable_choices
from ..services import ClauseData

EN = {"lang": "en"}
ZH = {"lang": "zh-Hans"}
TEXT_FIELDS = ("heading_en", "text_en", "heading_zh", "text_zh")


class MouCreateForm(forms.Form):
    """A new MoU in drafting, with its clearance chain."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title (English)"), max_length=300)
    title_zh = forms.CharField(
        label=_("Title (Chinese)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=ZH),
        help_text=_("May be added later; the draft shows it as missing until then."),
    )
    responsible_officer = forms.ModelChoiceField(
        label=_("Responsible officer"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Not named yet"),
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=600,
        initial=60,
        help_text=_("How long the MoU stays in force once it takes effect; 60 is five years."),
    )
    clearances = forms.CharField(
        label=_("Clearance chain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="\n".join(Clearance.DEFAULT_CHAIN),
        help_text=_(
            "One clearance per line, in the order they are obtained. Leave empty for the "
            "standard chain."
        ),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.visible_to(viewer)
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes
        cast(forms.ModelChoiceField, self.fields["responsible_officer"]).queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[Role.MINISTRY, Role.APPROVER])
            .distinct()
            .order_by("full_name", "username")
        )
        self.helper = FormHelper()
        self.helper.form_id = "mou-create-form"
        self.helper.layout = Layout(
            "programme",
            Row(Column("title", css_class="col-lg-6"), Column("title_zh", css_class="col-lg-6")),
            Row(
                Column("responsible_officer", css_class="col-md-6"),
                Column("term_months", css_class="col-md-6"),
            ),
            "clearances",
        )
        self.helper.add_input(Submit("create", _("Start drafting"), css_class="btn-primary"))

    def clearance_names(self) -> list[str] | None:
        names = [line.strip() for line in self.cleaned_data["clearances"].splitlines()]
        return [name for name in names if name] or None


class ClauseForm(forms.Form):
    """A clause of the working draft, English and Chinese side by side.

    The page lays the fields out in two columns (templates/mou/includes/_drafting_clause_fields.html);
    an edit also carries the clause's version, so a stale save is refused.
    """

    heading_en = forms.CharField(
        label=_("Heading (English)"), max_length=300, widget=forms.TextInput(attrs=EN)
    )
    text_en = forms.CharField(
        label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 8, **EN})
    )
    heading_zh = forms.CharField(
        label=_("Heading (Chinese)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=ZH),
    )
    text_zh = forms.CharField(
        label=_("Text (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, **ZH}),
    )
    priority_areas = forms.ModelMultipleChoiceField(
        label=_("Priority areas this clause serves"),
        queryset=PriorityArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Approved recommendations this clause cites"),
        queryset=Recommendation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
    )

    def __init__(
        self,
        *args: Any,
        viewer: Any,
        mou: Mou,
        clause: Clause | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if clause is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        areas, recommendations = clause_citable_choices(viewer=viewer, mou=mou, clause=clause)
        cast(forms.ModelMultipleChoiceField, self.fields["priority_areas"]).queryset = areas
        cast(
            forms.ModelMultipleChoiceField, self.fields["recommendations"]
        ).queryset = recommendations

    def to_data(self) -> ClauseData:
        data = self.cleaned_data
        return ClauseData(
            heading_en=data["heading_en"],
            text_en=data["text_en"],
            heading_zh=data["heading_zh"],
            text_zh=data["text_zh"],
            priority_areas=list(data["priority_areas"]),
            recommendations=list(data["recommendations"]),
        )


def clause_initial(clause: Clause) -> dict[str, Any]:
    """The edit form's starting values: the clause as saved (its links are prefetched)."""
    initial: dict[str, Any] = {name: getattr(clause, name) for name in TEXT_FIELDS}
    initial["priority_areas"] = [area.pk for area in clause.priority_areas.all()]
    initial["recommendations"] = [rec.pk for rec in clause.recommendations.all()]
    initial["version"] = clause.version
    return initial


class ClauseFromRecommendationForm(forms.Form):
    """Pick an approved recommendation that is not a clause of the draft yet."""

    recommendation = forms.ModelChoiceField(
        label=_("Approved recommendation"),
        queryset=Recommendation.objects.none(),
        empty_label=_("Choose a recommendation"),
        help_text=_(
            "Its title and summary become the English text of a new clause at the end of the "
            "draft; write the Chinese text next."
        ),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Recommendation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["recommendation"]).queryset = candidates
        self.helper = FormHelper()
        self.helper.form_id = "clause-from-recommendation-form"
        self.helper.add_input(
            Submit("propose", _("Propose as a clause"), css_class="btn-outline-primary")
        )


class ClauseMoveForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=32767)


class MouTransitionForm(forms.Form):
    """A workflow step as posted by a transition button."""

    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False)


class VersionPublishForm(forms.Form):
    note = forms.CharField(
        label=_("Note for this version"),
        max_length=300,
        required=False,
        help_text=_("What this version is for, for example “Text for legal vetting”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "version-publish-form"
        self.helper.add_input(Submit("publish", _("Publish version"), css_class="btn-primary"))


class OutOfStepOverrideForm(forms.Form):
    """The ministry goes on although clauses are out of step, and says why."""

    reason = forms.CharField(
        label=_("Why the MoU may go on with these clauses out of step"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the MoU's history and printed on every version published under it "
            "and on its exports."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "out-of-step-override-form"
        self.helper.add_input(Submit("override", _("Record the override"), css_class="btn-warning"))


class ClauseCommentForm(forms.Form):
    """A comment on one clause of a published version."""

    clause = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))
    visible_to_bgi = forms.BooleanField(label=_("Visible to BGI Group"), required=False)


class VersionPairForm(forms.Form):
    """Two published versions to compare, by number."""

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(n)s") % {"n": n}) for n in numbers]
        self.fields["from"] = forms.IntegerField(
            label=_("Compare version"), min_value=1, widget=forms.Select(choices=choices)
        )
        self.fields["to"] = forms.IntegerField(
            label=_("with version"), min_value=1, widget=forms.Select(choices=choices)
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "version-pair-form"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("from", css_class="col-sm-4 col-lg-3"),
                Column("to", css_class="col-sm-4 col-lg-3"),
            )
        )
        self.helper.add_input(Submit("compare", _("Show differences"), css_class="btn-primary"))
