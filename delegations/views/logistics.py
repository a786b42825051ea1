"""A visit's logistics checklist and its budget (internal pages)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from portal.pages import put_errors_on_form
from portal.types import AuthenticatedHttpRequest

from .. import policies, selectors, services
from ..forms.visits import BudgetLineForm, LogisticsDoneForm, LogisticsTaskForm
from ..models import BudgetLine, LogisticsTask, Visit
from .common import VisitPagesMixin, get_visit, get_visit_record, tab_crumb, visit_page

# Logistics ------------------------------------------------------------------------------------


class VisitLogisticsView(VisitPagesMixin, View):
    template_name = "delegations/visit_logistics.html"

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        visit: Visit,
        form: LogisticsTaskForm | None,
        status: int = 200,
    ) -> HttpResponse:
        tasks = list(
            LogisticsTask.objects.filter(visit=visit)
            .select_related("owner")
            .order_by(F("due_on").asc(nulls_last=True), "pk")
        )
        can_manage = policies.can_manage_visit(request.user, visit)
        context = visit_page(request, visit, "logistics", (_("Logistics"), None))
        context.update(
            {
                "tasks": [
                    {"task": task, "is_done": task.is_done, "is_overdue": task.is_overdue}
                    for task in tasks
                ],
                "done_count": sum(1 for task in tasks if task.is_done),
                "can_manage": can_manage,
                "form": form or (LogisticsTaskForm() if can_manage else None),
            }
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_visit(request, pk, internal=True), None)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = LogisticsTaskForm(request.POST)
        if form.is_valid():
            try:
                task = services.logistics_task_add(
                    visit=visit,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    owner=form.cleaned_data["owner"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
                return redirect(reverse("delegations:visit-logistics", args=[visit.pk]))
        return self._render(request, visit, form, status=400)


class LogisticsTaskDoneView(VisitPagesMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        task = get_visit_record(request, LogisticsTask.objects.all(), pk, manage=True)
        form = LogisticsDoneForm(request.POST)
        url = reverse("delegations:visit-logistics", args=[task.visit_id])
        if not form.is_valid():
            messages.error(request, _("Say whether the task is done."))
            return redirect(url)
        done = form.cleaned_data["done"]
        services.logistics_task_set_done(task=task, actor=request.user, done=done)
        if done:
            message = _("“%(title)s” is done.") % {"title": task.title}
        else:
            message = _("“%(title)s” is open again.") % {"title": task.title}
        messages.success(request, message)
        return redirect(f"{url}#task-{task.pk}")


# Budget ---------------------------------------------------------------------------------------


def _budget_groups(lines: list[BudgetLine]) -> list[dict[str, Any]]:
    """Lines grouped by category (in the categories' order), with each group's subtotals."""
    order = [value for value, _label in BudgetLine.Category.choices]
    groups: dict[str, dict[str, Any]] = {}
    for line in sorted(lines, key=lambda item: (order.index(item.category), item.pk)):
        group = groups.setdefault(
            line.category,
            {
                "label": line.get_category_display(),
                "lines": [],
                "estimated": Decimal("0"),
                "actual": Decimal("0"),
            },
        )
        group["lines"].append(line)
        group["estimated"] += line.estimated_pkr
        group["actual"] += line.actual_pkr or Decimal("0")
    return list(groups.values())


class VisitBudgetView(VisitPagesMixin, View):
    template_name = "delegations/visit_budget.html"

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        visit: Visit,
        form: BudgetLineForm | None,
        status: int = 200,
    ) -> HttpResponse:
        lines = list(BudgetLine.objects.filter(visit=visit))
        can_manage = policies.can_manage_visit(request.user, visit)
        totals = selectors.budget_totals(visit)
        context = visit_page(request, visit, "budget", (_("Budget"), None))
        context.update(
            {
                "groups": _budget_groups(lines),
                "totals": totals,
                "difference": totals["actual"] - totals["estimated"],
                "open_lines": sum(1 for line in lines if line.actual_pkr is None),
                "can_manage": can_manage,
                "form": form or (BudgetLineForm() if can_manage else None),
            }
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_visit(request, pk, internal=True), None)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        visit = get_visit(request, pk, internal=True, manage=True)
        form = BudgetLineForm(request.POST)
        if form.is_valid():
            try:
                services.budget_line_add(visit=visit, actor=request.user, **form.to_kwargs())
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, _("The budget line was added."))
                return redirect(reverse("delegations:visit-budget", args=[visit.pk]))
        return self._render(request, visit, form, status=400)


class BudgetLineUpdateView(VisitPagesMixin, View):
    template_name = "delegations/budgetline_form.html"

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        line: BudgetLine,
        form: BudgetLineForm,
        status: int = 200,
    ) -> HttpResponse:
        visit = line.visit
        context = {
            **visit_page(
                request,
                visit,
                "budget",
                tab_crumb(_("Budget"), "delegations:visit-budget", visit),
                (_("Edit budget line"), None),
            ),
            "form": form,
            "line": line,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        line = get_visit_record(request, BudgetLine.objects.all(), pk, manage=True)
        form = BudgetLineForm(
            initial={
                "category": line.category,
                "description": line.description,
                "estimated_pkr": line.estimated_pkr,
                "actual_pkr": line.actual_pkr,
            },
            submit_label=_("Save changes"),
        )
        return self._render(request, line, form)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        line = get_visit_record(request, BudgetLine.objects.all(), pk, manage=True)
        form = BudgetLineForm(request.POST, submit_label=_("Save changes"))
        if form.is_valid():
            try:
                services.budget_line_update(line=line, actor=request.user, **form.to_kwargs())
            except ValidationError as error:
                put_errors_on_form(form, error)
            else:
                messages.success(request, _("The budget line was saved."))
                return redirect(reverse("delegations:visit-budget", args=[line.visit_id]))
        return self._render(request, line, form, status=400)
