"""Page plumbing every app shares: breadcrumbs, service errors on forms, the edit-conflict
messages, one access mixin that asks a policy, one view for taking a workflow step, and one
confirmation step before an irreversible action (`ask_first`).

Nothing here knows about a particular app; the rules themselves live in the apps' policies,
workflows and services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View

from .exceptions import DomainError, StaleVersion
from .views import domain_error_message
from .workflow import Workflow

#: A step refused because the record moved on since the page was opened.
STALE_STEP_MESSAGE = _(
    "Someone else changed this since you opened it; nothing was changed. "
    "The page now shows its current state: check it and try again."
)
#: An edit refused for the same reason; the form keeps what the person typed.
STALE_EDIT_MESSAGE = _(
    "Someone else changed this since you opened it, so your changes were not saved. "
    "Compare them below, then save again or leave."
)
#: A step whose form could not be read (tampered with, or an old page).
UNREADABLE_STEP_MESSAGE = _("The step could not be read. Reload the page and try again.")


#: The field a confirmation page posts back. A POST of an irreversible step without it
#: renders the confirmation page instead of acting (no JavaScript needed).
CONFIRMED_FIELD = "confirmed"
#: Fields a confirmation page never carries over (Django's token is rendered afresh).
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRMED_FIELD})


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page of an irreversible step says.

    `title` names the step and its record, `consequence` what follows and what cannot be undone,
    `confirm_label` the button that goes ahead, `cancel_url` where "Go back" leads. With
    `comment_label` the page offers the posted `comment` as a text field (required when
    `comment_required`), so a comment can be added or corrected before going ahead.
    """

    title: str | Promise
    consequence: str | Promise
    confirm_label: str | Promise
    cancel_url: str
    comment_label: str | Promise = ""
    comment_required: bool = False
    breadcrumbs: list[dict[str, Any]] | None = None


def is_confirmed(request: HttpRequest) -> bool:
    """Whether the POST comes from a confirmation page (or a client that confirmed)."""
    return request.POST.get(CONFIRMED_FIELD) == "1"


def ask_first(
    request: HttpRequest, confirmation: Confirmation, *, status: int = 200
) -> HttpResponse:
    """The confirmation page of an irreversible step: the same POST again, to the same URL,
    carrying every posted field and `confirmed=1`. Works without JavaScript."""
    offered = "comment" if confirmation.comment_label else ""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED and name != offered
        for value in request.POST.getlist(name)
    ]
    context = {
        "confirmation": confirmation,
        "action": request.get_full_path(),
        "carried": carried,
        "comment": request.POST.get("comment", "") if offered else "",
        "confirmed_field": CONFIRMED_FIELD,
        "breadcrumbs": confirmation.breadcrumbs,
    }
    return render(request, "portal/confirm_step.html", context, status=status)


def crumbs(*trail: tuple[str | Promise, str | None]) -> list[dict[str, Any]]:
    """Breadcrumbs from (label, url) pairs; the last one, the page itself, has no link."""
    items: list[dict[str, Any]] = [{"label": label, "url": url} for label, url in trail]
    if items:
        items[-1]["url"] = None
    return items


def put_errors_on_form(
    form: forms.BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: on the fields it names (renamed by
    `aliases`), and on the form as a whole otherwise."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = aliases.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PolicyRequiredMixin(View):
    """Ask a policy before anything else: who fails it gets 404, as for a missing page.

    Set `policy` to a `can_view_*` function of the app's policies.py taking the user. Pages
    that may be seen but not acted on check a `can_manage_*` policy on their object.
    """

    # A staticmethod (as the subclasses set it), so mypy takes it for a function of the user.
    policy: ClassVar[staticmethod[[Any], bool]]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Read from the class, so a plain function and a staticmethod both work.
        if not type(self).policy(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ManagePolicyRequiredMixin(PolicyRequiredMixin):
    """A page some may see but fewer may use: who fails `policy` gets 404, as above; who
    passes it but fails `manage_policy` (a `can_manage_*`-style function taking the user)
    gets 403."""

    manage_policy: ClassVar[staticmethod[[Any], bool]]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        cls = type(self)
        if cls.policy(request.user) and not cls.manage_policy(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkflowTransitionView(View):
    """POST one step of a workflow on one record, the same way on every page.

    Subclasses name the `workflow`, the `form_class` (with `transition`, `comment`, `version`)
    and implement `get_subject`, `perform` (which calls the app's service) and `render_subject`
    (the record's page again, with a status). A step the person may never take is refused with
    403 before any state is revealed; a stale version answers 409 with the current page.
    """

    http_method_names = ["post"]
    workflow: ClassVar[Workflow]
    form_class: ClassVar[type[forms.Form]]
    stale_message: ClassVar[str | Promise] = STALE_STEP_MESSAGE
    #: Irreversible steps (transition name → the consequence the confirmation page names):
    #: posted without `confirmed`, they ask first (`ask_first`), offering the comment.
    confirm_steps: ClassVar[Mapping[str, str | Promise]] = {}

    def get_subject(self, request: HttpRequest, **kwargs: Any) -> Any:
        raise NotImplementedError

    def perform(self, request: HttpRequest, subject: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def render_subject(
        self, request: HttpRequest, subject: Any, *, status: int, **extra: Any
    ) -> HttpResponse:
        raise NotImplementedError

    def success_message(self, moved: Any) -> str:
        title = getattr(moved, "title", None) or getattr(moved, "name", None) or str(moved)
        return str(
            _("“%(title)s” is now: %(status)s.")
            % {"title": title, "status": moved.get_status_display()}
        )

    def success_url(self, moved: Any) -> str:
        return str(moved.get_absolute_url())

    def _asks_first(
        self, request: HttpRequest, subject: Any, step: Any, data: dict[str, Any]
    ) -> bool:
        """An irreversible step not confirmed yet, that the workflow would take now (a step
        refused for its state, a stale page or a missing reason is answered straight away)."""
        return (
            step.name in self.confirm_steps
            and not is_confirmed(request)
            and getattr(subject, self.workflow.field) in step.source
            and data.get("version") in (None, getattr(subject, "version", None))
            and not (step.comment_required and not str(data.get("comment") or "").strip())
        )

    def confirmation(self, request: HttpRequest, subject: Any, step: Any) -> Confirmation:
        """The confirmation page of an irreversible step (`confirm_steps`)."""
        title = getattr(subject, "title", None) or getattr(subject, "name", None) or str(subject)
        return Confirmation(
            title=_("%(step)s: “%(title)s”") % {"step": step.display, "title": title},
            consequence=self.confirm_steps[step.name],
            confirm_label=step.display,
            cancel_url=str(subject.get_absolute_url()),
            comment_label=_("Why? (required)")
            if step.comment_required
            else _("Comment (optional)"),
            comment_required=step.comment_required,
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        subject = self.get_subject(request, **kwargs)
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, UNREADABLE_STEP_MESSAGE)
            return self.render_subject(request, subject, status=400)
        data = form.cleaned_data
        step = self.workflow.transitions.get(data["transition"])
        if step is not None and not step.allowed(request.user, subject):
            raise PermissionDenied
        if step is not None and self._asks_first(request, subject, step, data):
            return ask_first(request, self.confirmation(request, subject, step))
        try:
            moved = self.perform(request, subject, data)
        except StaleVersion:
            messages.error(request, str(self.stale_message))
            return self.render_subject(request, subject, status=409)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_subject(
                request,
                subject,
                status=400,
                transition_errors={data["transition"]: error.messages},
            )
        except DomainError as error:
            domain_error_message(request, error)
            return self.render_subject(request, subject, status=409)
        messages.success(request, self.success_message(moved))
        return redirect(self.success_url(moved))
