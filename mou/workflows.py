"""The MoU's transition tables, and the named sets of MoU statuses every rule reads.

The sets are written here once: the pages, the services, the API and the reminders ask them
(`mou.status in SIGNED_STATUSES`) instead of listing statuses where they need them.
"""

from django.utils.translation import gettext_lazy as _

from portal.workflow import Transition, Workflow

from . import policies
from .models import Mou, MouTransition, Obligation, ObligationTransition

M = Mou.Status

#: The road to an MoU in force, in order (the pages' stepper follows it).
ROAD_TO_FORCE: tuple[str, ...] = (
    M.DRAFTING,
    M.INTERNAL_REVIEW,
    M.LEGAL_VETTING,
    M.NEGOTIATION,
    M.TEXT_AGREED,
    M.APPROVED,
    M.SIGNED,
    M.IN_FORCE,
)
#: Where the road ends once in force.
ENDED_STATUSES = frozenset({M.EXPIRED, M.TERMINATED})
#: Clauses of the working draft change only while the text is drafted or negotiated.
EDITABLE_STATUSES = frozenset({M.DRAFTING, M.NEGOTIATION})
#: A new version may be published while the text is still being worked on.
PUBLISHABLE_STATUSES = frozenset({M.DRAFTING, M.INTERNAL_REVIEW, M.LEGAL_VETTING, M.NEGOTIATION})
#: Not signed yet, nor ended: the signing deadline still matters.
UNSIGNED_STATUSES = frozenset(ROAD_TO_FORCE[: ROAD_TO_FORCE.index(M.SIGNED)])
#: Signed, whatever came after: the signatories are fixed and the signatures a public record.
SIGNED_STATUSES = frozenset({M.SIGNED, M.IN_FORCE}) | ENDED_STATUSES
#: Signed and binding: obligations are recorded and the signed copy is kept.
BINDING_STATUSES = frozenset({M.SIGNED, M.IN_FORCE})

#: Steps into these need English and Chinese in step (or an override): "text agreed" and
#: approval for signature (publishing, sharing and signing ask the same rule in their services).
IN_STEP_TARGETS = frozenset({M.TEXT_AGREED, M.APPROVED})

MOU_FLOW = Workflow(
    model=Mou,
    log_model=MouTransition,
    transitions=[
        Transition("submit_for_review", frozenset({M.DRAFTING}), M.INTERNAL_REVIEW,
                   policies.can_manage_mou, label=_("Submit for internal review")),
        Transition("start_legal_vetting", frozenset({M.INTERNAL_REVIEW}), M.LEGAL_VETTING,
                   policies.can_manage_mou, label=_("Send for legal vetting")),
        Transition("start_negotiation", frozenset({M.LEGAL_VETTING}), M.NEGOTIATION,
                   policies.can_manage_mou, label=_("Open negotiation with BGI")),
        Transition("back_to_drafting",
                   frozenset({M.INTERNAL_REVIEW, M.LEGAL_VETTING, M.NEGOTIATION, M.TEXT_AGREED}),
                   M.DRAFTING, policies.can_manage_mou, label=_("Back to drafting"),
                   comment_required=True),
        Transition("agree_text", frozenset({M.NEGOTIATION}), M.TEXT_AGREED,
                   policies.can_manage_mou, label=_("Text agreed with BGI")),
        Transition("approve_for_signature", frozenset({M.TEXT_AGREED}), M.APPROVED,
                   policies.can_approve_for_signature, label=_("Approve for signature")),
        Transition("mark_signed", frozenset({M.APPROVED}), M.SIGNED,
                   policies.can_record_signature, label=_("Signed by all parties")),
        Transition("enter_into_force", frozenset({M.SIGNED}), M.IN_FORCE,
                   policies.can_manage_mou, label=_("Enter into force")),
        Transition("expire", frozenset({M.IN_FORCE}), M.EXPIRED,
                   policies.can_manage_mou, label=_("Expired")),
        Transition("terminate", frozenset({M.IN_FORCE}), M.TERMINATED,
                   policies.can_terminate, label=_("Terminate"), comment_required=True),
    ],
)  # fmt: skip

# Reached only through their own services (they carry data or follow from other records).
TRANSITIONS_WITH_DATA = frozenset({"mark_signed", "enter_into_force"})

OS = Obligation.Status

OBLIGATION_FLOW = Workflow(
    model=Obligation,
    log_model=ObligationTransition,
    transitions=[
        Transition("start", frozenset({OS.OPEN}), OS.IN_PROGRESS, policies.can_update_obligation, label=_("Start")),
        Transition("meet", frozenset({OS.OPEN, OS.IN_PROGRESS}), OS.MET, policies.can_update_obligation,
                   label=_("Mark met")),
        Transition("waive", frozenset({OS.OPEN, OS.IN_PROGRESS}), OS.WAIVED,
                   policies.can_waive_obligation, label=_("Waive"),
                   comment_required=True),
        Transition("reopen", frozenset({OS.MET, OS.WAIVED}), OS.OPEN, policies.can_update_obligation,
                   label=_("Reopen")),
    ],
)  # fmt: skip
