"""django-filter FilterSets of the collaboration API (usable by list pages too)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collaboration.models import ActionItem, Capability, Recommendation, TeamMembership
from portal.api.filters import ApiFilterSet


class RecommendationFilter(ApiFilterSet):
    """Working list by default: archived recommendations appear only with `archived=true`."""

    priority_area = django_filters.CharFilter(
        field_name="priority_areas__slug", help_text=_("Slug of a priority area.")
    )
    status = django_filters.ChoiceFilter(choices=Recommendation.Status.choices)
    author = django_filters.CharFilter(
        field_name="authors__username", help_text=_("Username of an author.")
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text=_("Words in the title, summary or text.")
    )
    archived = django_filters.BooleanFilter(
        method="filter_archived",
        help_text=_("true: only archived recommendations; false or absent: only working ones."),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("updated_at", "updated_at"),
            ("status", "status"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Recommendation
        fields = ["priority_area", "status", "author", "search", "archived"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(body__icontains=value)
        )

    def filter_archived(self, queryset, name, value):
        # `None` (absent) is handled in filter_queryset so the default applies too.
        return queryset.archived() if value else queryset.active()

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.active()
        return super().filter_queryset(queryset)


class CapabilityFilter(ApiFilterSet):
    category = django_filters.ChoiceFilter(choices=Capability.Category.choices)
    priority_area = django_filters.CharFilter(
        field_name="priority_areas__slug", help_text=_("Slug of a priority area.")
    )

    class Meta:
        model = Capability
        fields = ["category", "priority_area"]


class TeamMembershipFilter(ApiFilterSet):
    current = django_filters.BooleanFilter(
        method="filter_current",
        help_text=_("true: members serving today; false: past (or not yet started) members."),
    )
    role = django_filters.ChoiceFilter(choices=TeamMembership.Role.choices)

    class Meta:
        model = TeamMembership
        fields = ["current", "role"]

    def filter_current(self, queryset, name, value):
        current = TeamMembership.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class ActionItemFilter(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices)
    owner = django_filters.CharFilter(
        field_name="owner__username", help_text=_("Username of the owner.")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text=_("true: open items whose due date has passed; false: all the others."),
    )
    due_before = django_filters.DateFilter(
        method="filter_due_before", help_text=_("Items due before this date (YYYY-MM-DD).")
    )

    class Meta:
        model = ActionItem
        fields = ["status", "owner", "overdue", "due_before"]

    def filter_overdue(self, queryset, name, value):
        overdue = ActionItem.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_due_before(self, queryset, name, value):
        return queryset.due_before(value)
