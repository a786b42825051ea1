"""The visit's transition table."""

from django.utils.translation import gettext_lazy as _

from portal.workflow import Transition, Workflow

from . import policies
from .models import Visit, VisitTransition

V = Visit.Status
_OPEN_BEFORE_TRAVEL = frozenset({V.PROPOSED, V.INVITATION_RECEIVED, V.APPROVED, V.PREPARING})

VISIT_FLOW = Workflow(
    model=Visit,
    log_model=VisitTransition,
    transitions=[
        Transition("record_invitation", frozenset({V.PROPOSED}), V.INVITATION_RECEIVED,
                   policies.can_manage_visit, label=_("Record BGI's invitation")),
        Transition("approve", frozenset({V.INVITATION_RECEIVED}), V.APPROVED,
                   policies.can_manage_visit, label=_("Record travel approval")),
        Transition("start_preparing", frozenset({V.APPROVED}), V.PREPARING,
                   policies.can_manage_visit, label=_("Start preparing")),
        Transition("depart", frozenset({V.PREPARING}), V.IN_PROGRESS,
                   policies.can_manage_visit, label=_("Delegation departed")),
        Transition("complete", frozenset({V.IN_PROGRESS}), V.COMPLETED,
                   policies.can_manage_visit, label=_("Delegation returned")),
        Transition("submit_report", frozenset({V.COMPLETED}), V.REPORT_SUBMITTED,
                   policies.can_submit_report, label=_("Submit the trip report")),
        Transition("close", frozenset({V.REPORT_SUBMITTED}), V.CLOSED,
                   policies.can_manage_visit, label=_("Close")),
        Transition("postpone", _OPEN_BEFORE_TRAVEL, V.POSTPONED,
                   policies.can_manage_visit, label=_("Postpone"), comment_required=True),
        Transition("resume", frozenset({V.POSTPONED}), V.PROPOSED,
                   policies.can_manage_visit, label=_("Resume planning")),
        Transition("cancel", _OPEN_BEFORE_TRAVEL | {V.POSTPONED}, V.CANCELLED,
                   policies.can_manage_visit, label=_("Cancel visit"), comment_required=True),
    ],
)  # fmt: skip

# Transitions that carry data have their own service; the generic endpoint refuses them.
TRANSITIONS_WITH_DATA = frozenset({"record_invitation", "submit_report"})
