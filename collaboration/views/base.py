"""What the collaboration pages share: who may open them, the programme's breadcrumb trail,
the current programme, and a form rebound after an edit conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.exceptions import DomainError, StaleVersion
from portal.pages import (
    STALE_EDIT_MESSAGE,
    ManagePolicyRequiredMixin,
    PolicyRequiredMixin,
    crumbs,
    put_errors_on_form,
)
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies
from ..selectors import current_programme  # noqa: F401  (the pages import it from here)

PAGE_SIZE = 25
CONFLICT = 409


class PageMixin(PolicyRequiredMixin):
    """Collaboration pages are for the government side: others get 404 (`can_view_pages`)."""

    policy = staticmethod(policies.can_view_pages)


class ManagerPageMixin(ManagePolicyRequiredMixin):
    """A collaboration page only some may use: set `manage_policy`; the others get 403."""

    policy = staticmethod(policies.can_view_pages)


def programme_crumbs(*trail: tuple[str | Promise, str | None]) -> list[dict[str, Any]]:
    """Breadcrumbs from the programme down (Home › Programme › …)."""
    return crumbs(
        (_("Home"), reverse("home")),
        (_("Programme"), reverse("collaboration:programme-detail")),
        *trail,
    )


def render_page(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


def rebound(form: Any, make: Any, **changes: Any) -> Any:
    """A new form from `make(data)` with the user's input kept and some values replaced.

    After a conflict the form carries the latest version, so saving again is a deliberate
    choice made after the conflict message, never a silent overwrite.
    """
    data = form.data.copy()
    for name, value in changes.items():
        data[name] = value
    return make(data)


def conflict_context(*, stale: bool, saved_url: str) -> dict[str, Any]:
    """What the edit-conflict banner (includes/_programme_conflict.html) shows."""
    return {"stale": stale, "saved_url": saved_url, "stale_message": STALE_EDIT_MESSAGE}


def edit_page_context(
    record: Any, form: Any, *, name: str, list_label: str, list_url: str, stale: bool
) -> dict[str, Any]:
    """What an edit page of a programme record shows: the form, the record (as `name`), the
    conflict banner and the trail Programme › list › record › Edit."""
    return {
        **conflict_context(stale=stale, saved_url=record.get_absolute_url()),
        "form": form,
        name: record,
        "breadcrumbs": programme_crumbs(
            (list_label, list_url),
            (record.title, record.get_absolute_url()),
            (_("Edit"), None),
        ),
    }


def save_edit(
    request: AuthenticatedHttpRequest,
    record: Any,
    form: Any,
    *,
    save: Callable[[], Any],
    page: Callable[..., HttpResponse],
    remake: Callable[[Any], Any],
) -> HttpResponse | None:
    """Run `save()` (a service given the form's version): None when it saved; else the edit
    page again, `page(request, record, form, status, stale=...)`: after an edit conflict 409
    with the person's input on the latest version (`remake` builds the form), with a
    service's field errors 400, with any other refusal's message 409."""
    try:
        save()
    except StaleVersion:
        record.refresh_from_db()
        fresh = rebound(form, remake, version=record.version)
        return page(request, record, fresh, CONFLICT, stale=True)
    except ValidationError as error:
        put_errors_on_form(form, error)
        return page(request, record, form, status=400)
    except DomainError as error:
        domain_error_message(request, error)
        return page(request, record, form, status=CONFLICT)
    return None
