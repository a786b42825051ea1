"""Search and traceability pages.

Views stay thin: the selectors apply `visible_to`; the policies decide who may use the pages.
Anyone who may not search (machine accounts) and anyone who may not follow traceability
(BGI's liaison, machine accounts) gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from . import policies, selectors, traceability


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in [(_("Home"), reverse("home")), *items]]


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404 from None
    if number < 1:
        raise Http404
    return number


class SearchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not policies.can_search(user):
            raise Http404
        query = selectors.normalise(request.GET.get("q"))
        kinds = selectors.kinds_for(user)
        kind = request.GET.get("kind") or None
        if kind not in kinds:
            kind = None
        page_obj: Page | None = None
        results: selectors.SearchResults | None = None
        if query:
            if kind is None:
                results = selectors.search(viewer=user, query=query)
            else:
                number = _page_number(request)
                size = selectors.PAGE_SIZE
                results = selectors.search(
                    viewer=user,
                    query=query,
                    kind=kind,
                    offset=(number - 1) * size,
                    limit=size,
                )
                if results.kinds:
                    found = results.kinds[0]
                    if number > 1 and not found.hits:
                        raise Http404
                    paginator = Paginator(range(found.total), size)
                    page_obj = Page(found.hits, number, paginator)
        context = {
            "query": query,
            "kind": kind,
            "kind_choices": [(k, selectors.KIND_LABELS[k]) for k in kinds],
            "results": results,
            "page_obj": page_obj,
            "min_length": selectors.MIN_QUERY_LENGTH,
            "breadcrumbs": _crumbs((_("Search"), None)),
        }
        return render(request, "search/search.html", context)


class TraceView(View):
    def get(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        user = request.user
        if not policies.can_view_traceability(user):
            raise Http404
        record = traceability.record_for(viewer=user, kind=kind, pk=pk)
        if record is None:
            raise Http404
        graph = traceability.trace_for(viewer=user, obj=record)
        context = {
            "graph": graph,
            "breadcrumbs": _crumbs(
                (graph.record.title, graph.record.url), (_("Traceability"), None)
            ),
        }
        return render(request, "search/trace.html", context)
