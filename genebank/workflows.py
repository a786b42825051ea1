"""The transfer's transition table."""

from django.utils.translation import gettext_lazy as _

from portal.workflow import Transition, Workflow

from . import policies
from .models import Transfer, TransferTransition

T = Transfer.Status
_BEFORE_DISPATCH = frozenset({T.DRAFT, T.CHECKS_PASSED, T.APPROVED})
_AT_BGI = frozenset({T.RECEIVED, T.COMPLETED})

TRANSFER_FLOW = Workflow(
    model=Transfer,
    log_model=TransferTransition,
    transitions=[
        Transition("run_checks", frozenset({T.DRAFT}), T.CHECKS_PASSED,
                   policies.can_manage_genebank, label=_("Run the checks")),
        Transition("approve", frozenset({T.CHECKS_PASSED}), T.APPROVED,
                   policies.can_approve_transfer, label=_("Approve for dispatch")),
        Transition("dispatch", frozenset({T.APPROVED}), T.DISPATCHED,
                   policies.can_manage_genebank, label=_("Record dispatch")),
        Transition("confirm_receipt", frozenset({T.DISPATCHED}), T.RECEIVED,
                   policies.can_confirm_receipt, label=_("Confirm receipt at BGI")),
        Transition("complete", frozenset({T.RECEIVED}), T.COMPLETED,
                   policies.can_manage_genebank, label=_("Complete")),
        Transition("record_returned", _AT_BGI, T.RETURNED,
                   policies.can_manage_genebank, label=_("Record return"), comment_required=True),
        Transition("record_destroyed", _AT_BGI, T.DESTROYED,
                   policies.can_manage_genebank, label=_("Record destruction"),
                   comment_required=True),
        Transition("reopen", frozenset({T.CHECKS_PASSED, T.APPROVED}), T.DRAFT,
                   policies.can_manage_genebank, label=_("Reopen as draft"), comment_required=True),
        Transition("cancel", _BEFORE_DISPATCH, T.CANCELLED,
                   policies.can_manage_genebank, label=_("Cancel"), comment_required=True),
    ],
)  # fmt: skip

# Steps refused unless every check of `checks.transfer_checks` holds at that moment.
CHECKED_STEPS = frozenset({"run_checks", "approve", "dispatch"})
# A transfer counts against its agreement's limit from dispatch on.
SENT_STATUSES = (T.DISPATCHED, T.RECEIVED, T.COMPLETED, T.RETURNED, T.DESTROYED)
# Transfers still being prepared: their governance may still change.
OPEN_STATUSES = (T.DRAFT, T.CHECKS_PASSED, T.APPROVED)
