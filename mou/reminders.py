"""The MoU feeds the reminder engine: reviews, the signing deadline, obligations and expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.reminders import DueItem, ReminderKind, object_key, register

from .models import Mou, Obligation, ReviewRequest, ReviewRound
from .selectors import (
    mous_with_deadlines_visible_to,
    obligations_visible_to,
    review_requests_visible_to,
)
from .workflows import BINDING_STATUSES, ENDED_STATUSES


def pending_reviews(until: date) -> Iterator[DueItem]:
    """Unanswered review requests of open rounds with a due date; escalated to the MoU's officer."""
    requests = (
        ReviewRequest.objects.filter(
            decision=ReviewRequest.Decision.PENDING,
            round__in=ReviewRound.objects.open().filter(
                due_on__isnull=False, due_on__lte=until, mou__in=Mou.objects.active()
            ),
        )
        .select_related("reviewer", "round__mou__responsible_officer", "round__version")
        .order_by("round__due_on", "pk")
    )
    for request in requests:
        review = request.round
        if review.due_on is None:
            continue  # excluded by the query; narrows the type
        officer = review.mou.responsible_officer
        yield DueItem(
            object_key=object_key(request),
            title=f"{review.title} — {review.mou.title}",
            due_on=review.due_on,
            recipients=[request.reviewer],
            url=reverse("mou:review-detail", args=[review.pk]),
            leads=[officer] if officer is not None and officer.pk != request.reviewer_id else [],
        )


def signing_deadlines(until: date) -> Iterator[DueItem]:
    """MoUs not yet signed whose signing deadline nears; for the responsible officer (listed
    on the dashboards when none is named)."""
    mous = (
        Mou.objects.awaiting_signature()
        .filter(signing_deadline_on__lte=until)
        .select_related("responsible_officer")
    )
    for mou in mous:
        if mou.signing_deadline_on is None:
            continue  # excluded by the query; narrows the type
        officer = mou.responsible_officer
        yield DueItem(
            object_key=object_key(mou, "signing"),
            title=mou.title,
            due_on=mou.signing_deadline_on,
            recipients=[officer] if officer is not None else [],
            url=reverse("mou:signing", args=[mou.pk]),
        )


def open_obligations(until: date) -> Iterator[DueItem]:
    """Open obligations of a live MoU: the owner (else the officer); escalated to the officer."""
    obligations = (
        Obligation.objects.open()
        .filter(due_on__lte=until, mou__in=Mou.objects.active())
        .exclude(mou__status__in=ENDED_STATUSES)
        .select_related("owner", "mou__responsible_officer")
    )
    for obligation in obligations:
        officer = obligation.mou.responsible_officer
        owner = obligation.owner or officer
        yield DueItem(
            object_key=object_key(obligation),
            title=f"{obligation} — {obligation.mou.title}",
            due_on=obligation.due_on,
            recipients=[owner] if owner is not None else [],
            url=reverse("mou:obligation-list", args=[obligation.mou_id]),
            leads=[officer]
            if officer is not None and owner is not None and officer.pk != owner.pk
            else [],
        )


def expiring_mous(until: date) -> Iterator[DueItem]:
    """Signed MoUs coming up for expiry or renewal; for the responsible officer."""
    mous = (
        Mou.objects.active()
        .filter(
            status__in=BINDING_STATUSES,
            expires_on__isnull=False,
            expires_on__lte=until,
        )
        .select_related("responsible_officer")
    )
    for mou in mous:
        if mou.expires_on is None:
            continue  # excluded by the query; narrows the type
        yield DueItem(
            object_key=object_key(mou, "expiry"),
            title=mou.title,
            due_on=mou.expires_on,
            recipients=[mou.responsible_officer] if mou.responsible_officer is not None else [],
            url=mou.get_absolute_url(),
        )


register(
    ReminderKind(
        code="mou_review_due",
        label=_("MoU reviews waiting for you"),
        description=_("Review rounds you have not answered yet."),
        find=pending_reviews,
        visible=review_requests_visible_to,
    )
)
register(
    ReminderKind(
        code="mou_signing_deadline",
        label=_("MoU signing deadline"),
        description=_("The signing deadline of an MoU you are responsible for."),
        find=signing_deadlines,
        visible=mous_with_deadlines_visible_to,
        escalate_after_days=None,
    )
)
register(
    ReminderKind(
        code="mou_obligation_due",
        label=_("MoU obligations"),
        description=_("Obligations under an MoU that you follow up."),
        find=open_obligations,
        visible=obligations_visible_to,
    )
)
register(
    ReminderKind(
        code="mou_expiry",
        label=_("MoU expiry or renewal"),
        description=_("An MoU you are responsible for is coming up for expiry or renewal."),
        find=expiring_mous,
        visible=mous_with_deadlines_visible_to,
        # Renewal needs months of notice: remind 90, 60, 30 and 7 days ahead and on the day.
        offsets_days=(90, 60, 30, 7, 0),
        overdue_every_days=7,
        escalate_after_days=None,
    )
)
