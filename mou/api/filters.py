"""django-filter FilterSets of the MoU API."""

import django_filters

from mou.models import Mou
from portal.api.filters import ApiFilterSet


class MouApiFilter(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=Mou.Status.choices)

    class Meta:
        model = Mou
        fields = ["status"]
