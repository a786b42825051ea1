"""django-filter FilterSets of the MoU API."""

import django_filters

from mou.models import Mou


class MouApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Mou.Status.choices)

    class Meta:
        model = Mou
        fields = ["status"]
