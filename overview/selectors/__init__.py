"""The programme at a glance: composite reads for the dashboards, the timeline, the status API
and the programme status report.

The parts: `status` (the programme's status), `deadlines` (every dated thing, from the reminder
registry), `activity` (recent workflow steps), `timeline` (one time axis) and `bgi` (what BGI's
liaison sees). The MoU's stages and milestones live in `mou.selectors`, the visits' status in
`delegations.selectors`; every public name stays importable from `overview.selectors`.
"""

from delegations.selectors import VisitReadinessStatus, VisitStatus
from mou.selectors import (
    MOU_STAGES,
    Milestone,
    MouStageStatus,
    MouStatus,
    ReviewTask,
    mou_stages,
    my_mou_reviews,
    next_steps_of,
)

from .activity import Activity, recent_activity
from .bgi import SharedVersion, SharedVisit, SharedWithBgi, shared_with_bgi
from .common import UPCOMING_DAYS
from .deadlines import (
    Deadline,
    DeadlineBoard,
    DeadlineTotals,
    deadline_board,
    deadline_totals,
    deadlines,
)
from .status import (
    OVERDUE_LIST_LIMIT,
    ActionItemSummary,
    IndicatorStatus,
    ObjectiveStatus,
    OverdueActionItem,
    PriorityAreaStatus,
    ProgrammeStatus,
    StateCount,
    last_changed_at,
    programme_status,
    recommendation_pipeline,
)
from .timeline import TimelineEntry, TimelineMonth, programme_timeline, timeline_kinds

__all__ = [
    "MOU_STAGES",
    "OVERDUE_LIST_LIMIT",
    "UPCOMING_DAYS",
    "ActionItemSummary",
    "Activity",
    "Deadline",
    "DeadlineBoard",
    "DeadlineTotals",
    "IndicatorStatus",
    "Milestone",
    "MouStageStatus",
    "MouStatus",
    "ObjectiveStatus",
    "OverdueActionItem",
    "PriorityAreaStatus",
    "ProgrammeStatus",
    "ReviewTask",
    "SharedVersion",
    "SharedVisit",
    "SharedWithBgi",
    "StateCount",
    "TimelineEntry",
    "TimelineMonth",
    "VisitReadinessStatus",
    "VisitStatus",
    "deadline_board",
    "deadline_totals",
    "deadlines",
    "last_changed_at",
    "mou_stages",
    "my_mou_reviews",
    "next_steps_of",
    "programme_status",
    "programme_timeline",
    "recent_activity",
    "recommendation_pipeline",
    "shared_with_bgi",
    "timeline_kinds",
]
