"""What every MoU page shares: finding the MoU the viewer may see, its breadcrumbs and tab bar,
and the two access mixins (who may open the MoU pages at all, and their internal parts)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.pages import PolicyRequiredMixin, crumbs
from portal.types import AuthenticatedHttpRequest

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
        MouVersion.objects.visible_to(request.user).filter(mou=mou).select_related("published_by"),
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
