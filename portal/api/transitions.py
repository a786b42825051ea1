"""One `transitions` endpoint for every workflow: GET lists the steps the caller may take and
the history; POST takes one (If-Match required), through the app's service.

A viewset mixes in `TransitionsActionMixin`, names its `transition_workflow`, and implements
`perform_transition`; steps taken only in the pages go in `transitions_with_data`. Each viewset
documents the POST body with `transitions_schema(input_serializer, output_serializer)`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.workflow import Workflow

from .concurrency import expected_version
from .mixins import ERRORS_DETAIL, ERRORS_WRITE, IF_MATCH, etag_header
from .serializers import TransitionsSerializer


def transitions_schema(
    input_serializer: Any, output_serializer: Any, description: str | None = None
) -> Any:
    """`extend_schema_view(transitions=...)`-ready schema for GET and POST of the action;
    `description`, when given, replaces the action's generic docstring in both."""
    return [
        extend_schema(
            methods=["GET"],
            request=None,
            responses={200: TransitionsSerializer, **ERRORS_DETAIL},
            description=description,
        ),
        extend_schema(
            methods=["POST"],
            description=description,
            request=input_serializer,
            parameters=[IF_MATCH, etag_header(200)],
            responses={200: output_serializer, **ERRORS_WRITE},
        ),
    ]


class TransitionsActionMixin:
    """GET/POST …/{id}/transitions/ for a viewset whose records follow `transition_workflow`."""

    transition_workflow: ClassVar[Workflow]
    transition_input_serializer: ClassVar[type]
    #: Steps that carry more than a comment and are taken in the pages only (409 here).
    transitions_with_data: ClassVar[frozenset[str]] = frozenset()

    def perform_transition(self, subject: Any, data: dict[str, Any], version: int) -> Any:
        """Call the app's service; return the moved record."""
        raise NotImplementedError

    def transition_answer(self, moved: Any) -> Response:
        """The moved record as the detail endpoint shows it, with its new ETag."""
        view: Any = self
        return view.versioned_response(view.get_queryset().get(pk=moved.pk))

    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Any, pk: Any = None) -> Response:
        """GET: the steps the caller may take now, and the history. POST: take one."""
        view: Any = self
        subject = view.get_object()
        workflow = self.transition_workflow
        if request.method == "GET":
            body = {
                "available": [
                    t
                    for t in workflow.available(subject, request.user)
                    if t.name not in self.transitions_with_data
                ],
                "history": subject.transitions.select_related("actor"),
            }
            return Response(TransitionsSerializer(body, context={"workflow": workflow}).data)
        version = expected_version(request)
        data = self.transition_input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = self.perform_transition(subject, data.validated_data, version)
        return self.transition_answer(moved)
