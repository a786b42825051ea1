"""Action item pages: the list (filtered, overdue ones marked), one item with its history,
giving and editing items (ministry staff), and moving them along (ministry staff or the owner).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from portal.exceptions import DomainError
from portal.pages import WorkflowTransitionView, put_errors_on_form
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, services
from ..forms.programme import ActionItemFilterForm, ActionItemForm, TransitionForm
from ..models import ActionItem, Decision
from ..querysets import ActionItemQuerySet
from ..workflows import ACTION_ITEM_FLOW
from .base import (
    CONFLICT,
    PAGE_SIZE,
    ManagerPageMixin,
    PageMixin,
    current_programme,
    edit_page_context,
    programme_crumbs,
    render_page,
    save_edit,
)
from .meetings import visible_meetings


def _visible_items(user: Any) -> ActionItemQuerySet:
    return cast(ActionItemQuerySet, ActionItem.objects.visible_to(user).active())


class ActionItemListView(PageMixin, ListView):
    request: AuthenticatedHttpRequest
    template_name = "collaboration/actionitem_list.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[ActionItem]:
        items = _visible_items(self.request.user)
        self.filter_form = ActionItemFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["status"]:
                items = items.filter(status=data["status"])
            if data["owner"] is not None:
                items = items.filter(owner=data["owner"])
            if data["overdue"]:
                items = items.overdue()
        return items.select_related("owner", "meeting").order_by("due_on", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_filtered"] = self.filter_form.is_bound
        context["can_create"] = policies.can_manage_action_items(self.request.user)
        context["breadcrumbs"] = programme_crumbs((_("Action items"), None))
        return context


def _action_item_page(
    request: AuthenticatedHttpRequest, pk: int, *, status: int = 200
) -> HttpResponse:
    item = get_object_or_404(
        _visible_items(request.user).select_related(
            "owner", "meeting", "decision", "created_by", "linked_type"
        ),
        pk=pk,
    )
    labels = dict(ActionItem.Status.choices)
    linked = item.linked_record if item.linked_type_id else None
    linked_url = ""
    if linked is not None and hasattr(linked, "get_absolute_url"):
        linked_url = linked.get_absolute_url()
    context = {
        "item": item,
        "linked": linked,
        "linked_url": linked_url,
        "linked_kind": item.linked_type.name if item.linked_type is not None else "",
        "history": [
            {
                "step": step,
                "from": labels.get(step.from_status, step.from_status),
                "to": labels.get(step.to_status, step.to_status),
            }
            for step in item.transitions.select_related("actor")
        ],
        "transitions": ACTION_ITEM_FLOW.available(item, request.user),
        "can_edit": policies.can_manage_action_items(request.user) and item.is_open,
        "transition_url": reverse("collaboration:action-item-transition", args=[item.pk]),
        "breadcrumbs": programme_crumbs(
            (_("Action items"), reverse("collaboration:action-item-list")), (item.title, None)
        ),
    }
    return render_page(request, "collaboration/actionitem_detail.html", context, status)


class ActionItemDetailView(PageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _action_item_page(request, pk)


class _ActionItemManagerMixin(ManagerPageMixin):
    """Ministry staff create and edit action items; other internal people get 403."""

    manage_policy = staticmethod(policies.can_manage_action_items)


class _ActionItemFormView(_ActionItemManagerMixin, View):
    template_name = "collaboration/actionitem_form.html"
    editing = False

    def form(self, *args: Any, **kwargs: Any) -> ActionItemForm:
        meetings = visible_meetings(self.request.user).order_by("-held_at", "-pk")
        decisions = Decision.objects.filter(meeting__in=meetings).select_related("meeting")
        return ActionItemForm(
            *args, meetings=meetings, decisions=decisions, editing=self.editing, **kwargs
        )

    @staticmethod
    def data_from(cleaned: dict[str, Any], linked: Any = None) -> services.ActionItemData:
        return services.ActionItemData(
            title=cleaned["title"],
            description=cleaned["description"],
            owner=cleaned["owner"],
            due_on=cleaned["due_on"],
            meeting=cleaned["meeting"],
            decision=cleaned["decision"],
            linked_record=linked,
        )


class ActionItemCreateView(_ActionItemFormView):
    def _page(
        self, request: AuthenticatedHttpRequest, form: ActionItemForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "item": None,
            "breadcrumbs": programme_crumbs(
                (_("Action items"), reverse("collaboration:action-item-list")),
                (_("New action item"), None),
            ),
        }
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {}
        for name in ("meeting", "decision"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return self._page(request, self.form(initial=initial))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        programme = current_programme(request.user)
        if programme is None:
            messages.error(request, _("Set up the programme before adding action items."))
            return redirect("collaboration:programme-detail")
        form = self.form(request.POST)
        if form.is_valid():
            try:
                item = services.action_item_create(
                    programme=programme, actor=request.user, data=self.data_from(form.cleaned_data)
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            except DomainError as error:
                domain_error_message(request, error)
                return self._page(request, form, status=CONFLICT)
            else:
                messages.success(
                    request,
                    _("Action item “%(title)s” given to %(owner)s.")
                    % {"title": item.title, "owner": item.owner},
                )
                return redirect(item)
        return self._page(request, form, status=400)


class ActionItemUpdateView(_ActionItemFormView):
    editing = True

    def _page(self, request: AuthenticatedHttpRequest, item: ActionItem, form: ActionItemForm,
              status: int = 200, *, stale: bool = False) -> HttpResponse:  # fmt: skip
        context = edit_page_context(
            item,
            form,
            name="item",
            list_label=_("Action items"),
            list_url=reverse("collaboration:action-item-list"),
            stale=stale,
        )
        return render_page(request, self.template_name, context, status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(_visible_items(request.user), pk=pk)
        initial = {
            "title": item.title,
            "description": item.description,
            "owner": item.owner_id,
            "due_on": item.due_on,
            "meeting": item.meeting_id,
            "decision": item.decision_id,
            "version": item.version,
        }
        return self._page(request, item, self.form(initial=initial))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(_visible_items(request.user), pk=pk)
        form = self.form(request.POST)
        if not form.is_valid():
            return self._page(request, item, form, status=400)
        # The link to another record is set where the item is made; editing keeps it.
        linked = item.linked_record if item.linked_type_id else None
        refused = save_edit(
            request,
            item,
            form,
            save=lambda: services.action_item_update(
                item=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=self.data_from(form.cleaned_data, linked),
            ),
            page=self._page,
            remake=self.form,
        )
        if refused is not None:
            return refused
        messages.success(request, _("Action item “%(title)s” saved.") % {"title": item.title})
        return redirect(item)


class ActionItemTransitionView(PageMixin, WorkflowTransitionView):
    """Start, complete, cancel or reopen an action item (ACTION_ITEM_FLOW)."""

    workflow = ACTION_ITEM_FLOW
    form_class = TransitionForm

    def get_subject(self, request: Any, **kwargs: Any) -> ActionItem:
        item: ActionItem = get_object_or_404(_visible_items(request.user), pk=kwargs["pk"])
        return item

    def perform(self, request: Any, subject: ActionItem, data: dict[str, Any]) -> ActionItem:
        return services.action_item_transition(
            item=subject,
            name=data["transition"],
            actor=request.user,
            comment=data["comment"],
            expected_version=data["version"],
        )

    def render_subject(
        self, request: Any, subject: ActionItem, *, status: int, **extra: Any
    ) -> HttpResponse:
        return _action_item_page(request, subject.pk, status=status)
