"""Input shapes of the recommendation pages: the list filters, the text form, comments,
workflow steps and the version picker. Forms carry no rules; views hand their data to
services."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from ..models import Capability, PriorityArea, Recommendation
from ..services import RecommendationData

MARKDOWN_HINT = _(
    "Markdown: **bold**, *italic*, lists with “- ” at the start of a line, "
    "links as [text](https://…). Scripts and images are removed."
)

# Statuses in workflow order, so "sort by status" follows the recommendation's life.
STATUS_ORDER = [status.value for status in Recommendation.Status]


class RecommendationFilterForm(forms.Form):
    """The filter bar above the recommendation list (fields come from the FilterSet)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "recommendation-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-6 col-lg-4"),
                Column("priority_area", css_class="col-md-6 col-lg-3"),
                Column("status", css_class="col-md-4 col-lg-2"),
                Column("author", css_class="col-md-4 col-lg-3"),
            ),
            Row(
                Column("sort", css_class="col-md-6 col-lg-4"),
                Column(Field("show_archived"), css_class="col-md-4 col-lg-3 align-self-end"),
            ),
        )
        self.helper.add_input(Submit("filter", _("Apply filters"), css_class="btn-primary"))


class RecommendationFilter(django_filters.FilterSet):
    """Filters, search and sorting of the recommendation list page."""

    SORTS = {
        "-updated": ("-updated_at", "-pk"),
        "updated": ("updated_at", "pk"),
        "title": ("title", "pk"),
        "-title": ("-title", "-pk"),
        "status": ("status_order", "title", "pk"),
        "-status": ("-status_order", "title", "pk"),
    }

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_("Words in the title, summary or text."),
    )
    priority_area = django_filters.ModelChoiceFilter(
        field_name="priority_areas",
        queryset=PriorityArea.objects.none(),
        label=_("Priority area"),
        empty_label=_("Any priority area"),
    )
    status = django_filters.ChoiceFilter(
        choices=Recommendation.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    author = django_filters.ModelChoiceFilter(
        field_name="authors",
        queryset=get_user_model().objects.none(),
        label=_("Author"),
        empty_label=_("Any author"),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
        choices=[
            ("-updated", _("Last updated, newest first")),
            ("updated", _("Last updated, oldest first")),
            ("title", _("Title, A to Z")),
            ("-title", _("Title, Z to A")),
            ("status", _("Status, in workflow order")),
            ("-status", _("Status, decided first")),
        ],
    )
    show_archived = django_filters.BooleanFilter(
        method="filter_archived",
        label=_("Show archived recommendations"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Recommendation
        fields = ["q", "priority_area", "status", "author", "sort", "show_archived"]
        form = RecommendationFilterForm

    def __init__(self, data: Any = None, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.filters["priority_area"].queryset = PriorityArea.objects.visible_to(viewer).active()
        # Everyone who wrote a visible recommendation: a semi-join (EXISTS), not a DISTINCT over
        # every authorship row.
        authored = Recommendation.authors.through.objects.filter(
            user_id=OuterRef("pk"), recommendation__in=Recommendation.objects.visible_to(viewer)
        )
        self.filters["author"].queryset = (
            get_user_model().objects.filter(Exists(authored)).order_by("full_name", "username")
        )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for word in value.split():
            query &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        return queryset.filter(query)

    def filter_archived(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset if value else queryset.active()  # type: ignore[attr-defined]

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ordering = self.SORTS.get(value, self.SORTS["-updated"])
        if "status_order" in ordering[0]:
            queryset = queryset.annotate(
                status_order=Case(
                    *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
                    output_field=IntegerField(),
                )
            )
        return queryset.order_by(*ordering)


class RecommendationForm(forms.Form):
    """The text of a recommendation; on edit it also carries the version and a change note."""

    title = forms.CharField(label=_("Title"), max_length=300)
    priority_areas = forms.ModelMultipleChoiceField(
        label=_("Priority areas"),
        queryset=PriorityArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
        error_messages={"required": _("Choose at least one priority area.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for lists and reports."),
    )
    body = forms.CharField(
        label=_("Recommendation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HINT,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HINT,
    )
    capabilities = forms.ModelMultipleChoiceField(
        label=_("BGI capabilities used"),
        queryset=Capability.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expected_outcomes = forms.CharField(
        label=_("Expected outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HINT,
    )
    estimated_cost_pkr = forms.DecimalField(
        label=_("Estimated cost (PKR)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("In Pakistani rupees, without commas, for example 12500000."),
    )
    timeline = forms.CharField(
        label=_("Timeline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HINT,
    )
    risks = forms.CharField(
        label=_("Risks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HINT,
    )

    def __init__(
        self,
        *args: Any,
        viewer: Any,
        recommendation: Recommendation | None = None,
        submit_label: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen_areas = Q(pk__in=[])
        chosen_capabilities = Q(pk__in=[])
        if recommendation is not None:
            # Keep what the text already uses selectable even if it was archived since.
            chosen_areas = Q(recommendations=recommendation)
            chosen_capabilities = Q(recommendations=recommendation)
        cast(forms.ModelMultipleChoiceField, self.fields["priority_areas"]).queryset = (
            PriorityArea.objects.visible_to(viewer)
            .filter(Q(archived_at__isnull=True) | chosen_areas)
            .distinct()
        )
        cast(forms.ModelMultipleChoiceField, self.fields["capabilities"]).queryset = (
            Capability.objects.visible_to(viewer)
            .filter(Q(archived_at__isnull=True) | chosen_capabilities)
            .distinct()
        )
        if recommendation is not None:
            self.fields["note"] = forms.CharField(
                label=_("What changed"),
                max_length=300,
                required=True,
                error_messages={
                    "required": _("Say what changed in this version, for example “costs updated”.")
                },
                help_text=_("A short note for the version history, for example “costs updated”."),
            )
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.helper = FormHelper()
        self.helper.form_id = "recommendation-form"
        self.helper.form_tag = False
        self.helper.add_input(
            Submit("save", submit_label or _("Save recommendation"), css_class="btn-primary")
        )

    def to_data(self) -> RecommendationData:
        data = self.cleaned_data
        return RecommendationData(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            rationale=data["rationale"],
            expected_outcomes=data["expected_outcomes"],
            timeline=data["timeline"],
            risks=data["risks"],
            estimated_cost_pkr=data["estimated_cost_pkr"],
            priority_areas=list(data["priority_areas"]),
            capabilities=list(data["capabilities"]),
        )


def initial_from(recommendation: Recommendation) -> dict[str, Any]:
    """The edit form's starting values: the recommendation as saved (areas are prefetched)."""
    initial: dict[str, Any] = {
        name: getattr(recommendation, name) for name in Recommendation.TEXT_FIELDS
    }
    initial["estimated_cost_pkr"] = recommendation.estimated_cost_pkr
    initial["priority_areas"] = [area.pk for area in recommendation.priority_areas.all()]
    initial["capabilities"] = [cap.pk for cap in recommendation.capabilities.all()]
    initial["version"] = recommendation.version
    return initial


class RecommendationCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HINT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_id = "comment-form"
        self.helper.add_input(Submit("comment", _("Add comment"), css_class="btn-primary"))


class RecommendationTransitionForm(forms.Form):
    """A workflow step as posted by a transition button."""

    transition = forms.CharField(max_length=50)
    version = forms.IntegerField(min_value=1)
    comment = forms.CharField(required=False)
    official_reference = forms.CharField(required=False, max_length=100)


class VersionForm(forms.Form):
    """The version a one-button action (archive) was based on."""

    version = forms.IntegerField(min_value=1)


class VersionPairForm(forms.Form):
    """Two saved versions to compare: `from` (older) and `to` (newer), by number."""

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
