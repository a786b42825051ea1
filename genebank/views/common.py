"""What the gene bank's pages share: who may open them, and the breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.pages import PolicyRequiredMixin, crumbs

from .. import policies

Crumb = tuple[str | Promise, str | None]


class GenebankPagesMixin(PolicyRequiredMixin):
    """People inside government and BGI's liaison (transfers only); anyone else gets 404."""

    policy = staticmethod(policies.can_view_genebank_pages)


class PlanPagesMixin(PolicyRequiredMixin):
    """The plan and the register: people inside government; anyone else gets 404."""

    policy = staticmethod(policies.can_view_plan)


def genebank_crumbs(*tail: Crumb) -> list[dict[str, Any]]:
    """Home › Gene bank › …"""
    return crumbs((_("Home"), reverse("home")), (_("Gene bank"), reverse("genebank:plan")), *tail)


def transfer_crumbs(*tail: Crumb) -> list[dict[str, Any]]:
    """Home › Transfers to BGI › … (BGI's liaison never sees the plan)."""
    return crumbs(
        (_("Home"), reverse("home")),
        (_("Transfers"), reverse("genebank:transfer-list")),
        *tail,
    )
