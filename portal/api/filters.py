"""Query-parameter filters of the API: a value the schema does not allow is refused (400).

django-filter is lenient where the schema is not: a boolean filter reads `?overdue=null` as
"no filter", and `?starts_before=` or `?status=` (present but empty) filter nothing, so the list
comes back whole as if the client had asked for it. Every FilterSet of the API derives from
`ApiFilterSet`, whose form adds, in this one place:

- a boolean parameter is `true` or `false` (the schema's spelling), nothing else;
- a typed parameter (a date, a number, a choice, an ordering) given with an empty value is
  refused: leave it out to not filter. Free-text parameters may be empty (they are strings
  in the schema, and "" is a string);
- a list (`ordering=title,-status`) has no empty item (`title,,status`).

A choice outside its enum is refused by django-filter already (its ChoiceField). Endpoints that
read a boolean outside a FilterSet use `boolean_parameter`; those that read query parameters with
a serializer derive it from `QueryParametersSerializer` (DRF reads an optional field's empty
value as absent: `?kind=` would search every kind).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.fields import BaseCSVField
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

BOOLEANS = {"true": True, "false": False}


def _empty_refused(field: forms.Field) -> bool:
    """Free text may be empty; a typed value may not (it would silently mean "no filter")."""
    return not isinstance(field, forms.CharField)


def _refusal(field: forms.Field, raw: list[str]) -> str | None:
    """Why the raw values of one parameter are refused, or None."""
    if isinstance(field, forms.NullBooleanField):
        if any(value not in BOOLEANS for value in raw):
            return _("Use true or false.")
    elif _empty_refused(field) and any(value == "" for value in raw):
        return _("Give a value, or leave the parameter out.")
    elif isinstance(field, BaseCSVField) and any("" in value.split(",") for value in raw):
        return _("Leave no empty item between the commas.")
    return None


class StrictQueryForm(forms.Form):
    """The rules of the module docstring, over the raw query values of each field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key not in self.data:
                continue
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(key) if getlist is not None else [self.data[key]]
            problem = _refusal(field, [str(value) for value in raw])
            if problem is not None and name not in self.errors:
                self.add_error(name, problem)
        return cleaned


class ApiFilterSet(django_filters.FilterSet):
    """The base of every FilterSet of the API (see the module docstring)."""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        return type(form_class.__name__, (StrictQueryForm, form_class), {})


def boolean_parameter(query_params: Any, name: str) -> bool | None:
    """A boolean query parameter read by a view itself: None when absent, 400 unless `true` or
    `false`."""
    if name not in query_params:
        return None
    raw = query_params.get(name)
    if raw not in BOOLEANS:
        raise ValidationError({name: [_("Use true or false.")]})
    return BOOLEANS[raw]


class QueryParametersSerializer(serializers.Serializer):
    """A serializer of query parameters: an optional typed parameter given empty is refused, as
    in `ApiFilterSet` (DRF would read it as absent and use the default)."""

    def to_internal_value(self, data: Any) -> Any:
        errors = {}
        getlist = getattr(data, "getlist", None)
        for name, field in self.fields.items():
            if field.read_only or name not in data or isinstance(field, serializers.CharField):
                continue
            raw = getlist(name) if getlist is not None else [data[name]]
            if "" in raw:
                errors[name] = [_("Give a value, or leave the parameter out.")]
        if errors:
            raise ValidationError(errors)
        return super().to_internal_value(data)
