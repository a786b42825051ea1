"""django-filter FilterSets of the delegations API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from delegations.models import Visit
from portal.api.filters import ApiFilterSet


class VisitApiFilter(ApiFilterSet):
    """Status and a half-open range of departure dates: [starts_after, starts_before)."""

    status = django_filters.ChoiceFilter(choices=Visit.Status.choices)
    starts_after = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="gte",
        help_text=_("Visits departing on or after this day (YYYY-MM-DD)."),
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="lt",
        help_text=_("Visits departing before this day (YYYY-MM-DD)."),
    )

    class Meta:
        model = Visit
        fields = ["status", "starts_after", "starts_before"]
