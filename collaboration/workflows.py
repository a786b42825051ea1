"""Transition tables of the collaboration app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from portal.workflow import Transition, Workflow

from . import policies
from .models import (
    ActionItem,
    ActionItemTransition,
    PriorityArea,
    PriorityAreaTransition,
    Recommendation,
    RecommendationTransition,
)

if TYPE_CHECKING:
    from portal.models import User

R = Recommendation.Status

RECOMMENDATION_FLOW = Workflow(
    model=Recommendation,
    log_model=RecommendationTransition,
    transitions=[
        Transition(
            "send_to_team_review",
            frozenset({R.DRAFT, R.RETURNED}),
            R.TEAM_REVIEW,
            policies.can_send_recommendation_to_review,
            label=_("Send to team review"),
        ),
        Transition(
            "back_to_draft",
            frozenset({R.TEAM_REVIEW}),
            R.DRAFT,
            policies.can_send_recommendation_to_review,
            label=_("Back to draft"),
            comment_required=True,
        ),
        Transition(
            "endorse",
            frozenset({R.TEAM_REVIEW}),
            R.ENDORSED,
            policies.can_endorse_recommendation,
            label=_("Endorse"),
        ),
        Transition(
            "submit_to_ministry",
            frozenset({R.ENDORSED}),
            R.SUBMITTED,
            policies.can_endorse_recommendation,
            label=_("Submit to the ministry"),
        ),
        Transition(
            "approve",
            frozenset({R.SUBMITTED}),
            R.APPROVED,
            policies.can_decide_recommendation,
            label=_("Approve"),
        ),
        Transition(
            "return_for_revision",
            frozenset({R.SUBMITTED}),
            R.RETURNED,
            policies.can_decide_recommendation,
            label=_("Return for revision"),
            comment_required=True,
        ),
        Transition(
            "reject",
            frozenset({R.SUBMITTED}),
            R.REJECTED,
            policies.can_decide_recommendation,
            label=_("Reject"),
            comment_required=True,
        ),
        Transition(
            "reopen",
            frozenset({R.RETURNED}),
            R.DRAFT,
            policies.can_send_recommendation_to_review,
            label=_("Reopen as draft"),
        ),
    ],
)

A = ActionItem.Status

ACTION_ITEM_FLOW = Workflow(
    model=ActionItem,
    log_model=ActionItemTransition,
    transitions=[
        Transition("start", frozenset({A.OPEN}), A.IN_PROGRESS, policies.can_update_action_item,
                   label=_("Start")),
        Transition("complete", frozenset({A.OPEN, A.IN_PROGRESS}), A.DONE,
                   policies.can_update_action_item, label=_("Mark done")),
        Transition("reopen", frozenset({A.DONE, A.CANCELLED}), A.OPEN,
                   policies.can_update_action_item, label=_("Reopen")),
        Transition("cancel", frozenset({A.OPEN, A.IN_PROGRESS}), A.CANCELLED,
                   lambda user, item: policies.can_manage_action_items(user), label=_("Cancel"),
                   comment_required=True),
    ],
)  # fmt: skip

P = PriorityArea.Status


def _manages_programme(user: User, area: PriorityArea) -> bool:
    return policies.can_manage_programme(user)


PRIORITY_AREA_FLOW = Workflow(
    model=PriorityArea,
    log_model=PriorityAreaTransition,
    transitions=[
        Transition("activate", frozenset({P.PROPOSED}), P.ACTIVE, _manages_programme,
                   label=_("Activate")),
        Transition("pause", frozenset({P.ACTIVE}), P.PAUSED, _manages_programme, label=_("Pause"),
                   comment_required=True),
        Transition("resume", frozenset({P.PAUSED}), P.ACTIVE, _manages_programme, label=_("Resume")),
        Transition("complete", frozenset({P.ACTIVE}), P.COMPLETED, _manages_programme,
                   label=_("Complete")),
    ],
)  # fmt: skip
