"""What every MoU page shares: finding the MoU the viewer may see, its breadcrumbs and tab bar,
and the two access mixins (who may open the MoU pages at all, and their internal parts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.pages import PolicyRequiredMixin, crumbs, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies
from ..models import Mou, MouVersion


class MouPagesMixin(PolicyRequiredMixin):
    """People inside government and BGI's liaison; anyone else is answered 404."""

    policy = staticmethod(policies.can_view_mous)


class MouInternalsMixin(PolicyRequiredMixin):
    """The working draft, reviews, signing records and obligations are internal: 404 otherwise."""

    policy = staticmethod(policies.can_view_mou_internals)


def visible_mous(user: Any) -> QuerySet[Mou]:
    return Mou.objects.visible_to(user)


def get_mou(request: AuthenticatedHttpRequest, pk: int, *related: str) -> Mou:
    """The MoU the viewer may see, else 404."""
    mou: Mou = get_object_or_404(
        visible_mous(request.user).select_related("responsible_officer", "programme", *related),
        pk=pk,
    )
    return mou


def get_version(request: AuthenticatedHttpRequest, mou: Mou, number: int) -> MouVersion:
    """A version of the MoU the viewer may read (BGI's liaison: shared ones), else 404."""
    version: MouVersion = get_object_or_404(
        MouVersion.objects.visible_to(request.user)
        .filter(mou=mou)
        .select_related("published_by", "out_of_step_override__recorded_by"),
        number=number,
    )
    return version


def mou_crumbs(mou: Mou, *tail: tuple[Any, str | None]) -> list[dict[str, Any]]:
    """Home › MoU › this MoU › …; the last crumb is the page itself."""
    return crumbs(
        (_("Home"), reverse("home")),
        (_("MoU"), reverse("mou:mou-list")),
        (Truncator(mou.title).chars(70), mou.get_absolute_url()),
        *tail,
    )


def mou_context(request: AuthenticatedHttpRequest, mou: Mou, active_tab: str) -> dict[str, Any]:
    """What the MoU's header and tab bar need."""
    return {
        "mou": mou,
        "active_tab": active_tab,
        "show_internal": policies.can_view_mou_internals(request.user, mou),
    }


def page(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


T = TypeVar("T")


def submit(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], T],
    done: Callable[[T], HttpResponse],
    page_with_status: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Validate the form and call the service with its data: success goes to `done`; the
    service's field errors go on the form (400) and a refused state becomes a message (409)."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as error:
            put_errors_on_form(form, error)
        except DomainError as error:
            domain_error_message(request, error)
            return page_with_status(409)
        else:
            return done(result)
    return page_with_status(400)
