from portal import policies
from portal.workflow import Transition, Workflow

from .models import Dossier, DossierTransition

S = Dossier.Status


def _is_owner(user, dossier) -> bool:
    return user is not None and dossier.owner_id == user.pk


DOSSIER_FLOW = Workflow(
    model=Dossier,
    log_model=DossierTransition,
    transitions=[
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, _is_owner),
        Transition(
            "approve", frozenset({S.SUBMITTED}), S.APPROVED, lambda u, d: policies.is_ministry(u)
        ),
        Transition(
            "return_for_revision",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            lambda u, d: policies.is_ministry(u),
            comment_required=True,
        ),
    ],
)
