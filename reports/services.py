"""Every write of the reports app: ask for a report, build it, queue stale ones again, and the
weekly programme status report.

A report is a system-built artefact, so its lifecycle is not a user workflow: the moves
queued → running → ready | failed (and running → queued for a retry) are listed once in
`REPORT_MOVES` and made only by `_move`, on a row locked with `select_for_update`. That lock is
what makes a build idempotent: a second task for the same report finds it running or ready and
leaves it alone, and a ready report is never rebuilt.

Requests are saved first and handed to the queue after the transaction commits. If the broker
cannot be reached the request stays queued with no `enqueued_at`, the page says it will be
built once the queue is back, and `report_requeue_stale` (run by beat) hands it over again.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from events.outbox import emit
from portal.exceptions import DomainError
from portal.models import Role, User
from portal.recording import require, save_recorded

from . import policies
from .models import Report

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

S = Report.Status
REPORT_MOVES: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.RUNNING, S.FAILED}),
    S.RUNNING: frozenset({S.READY, S.FAILED, S.QUEUED}),
    S.READY: frozenset(),
    S.FAILED: frozenset(),
}
# A build that has been "running" longer than the hard time limit lost its worker; the next
# attempt may take it over.
RUNNING_TAKEOVER_AFTER = timedelta(seconds=max(settings.CELERY_TASK_TIME_LIMIT, 60) + 60)
MAX_ATTEMPTS = 3
# Seconds a page waits for the broker before it keeps the request for the sweep instead.
PUBLISH_TIMEOUT = 2
# Weekly reports made within this window are the same week's report (a repeated beat tick or a
# retried task sends no second e-mail).
WEEKLY_WINDOW = timedelta(hours=12)
# Errors of publishing to an unreachable broker (kombu wraps most; redis-py's own and socket
# errors can surface directly on connect).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, ConnectionError, OSError)
try:  # pragma: no branch - redis is installed with celery[redis]
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    BROKER_ERRORS = (*BROKER_ERRORS, RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover
    pass


class ReportBuildError(DomainError):
    """Building the report's file failed; the task retries with back-off, then marks it failed."""

    code = "report_build_failed"
    status_code = 500


class ReportNotReady(DomainError):
    """The report's file is not there yet (queued or being built) or the build failed."""

    code = "report_not_ready"
    status_code = 409


def _move(report: Report, to: str, *, changes: dict[str, Any] | None = None) -> Report:
    """Move a locked report to status `to` (with other field changes) if the table allows it."""
    if to not in REPORT_MOVES[report.status]:
        raise DomainError(
            _("A report cannot go from %(from)s to %(to)s.") % {"from": report.status, "to": to},
            code="report_move_not_allowed",
        )
    fields = {"status": to, **(changes or {})}
    for name, value in fields.items():
        setattr(report, name, value)
    save_recorded(report, None, update_fields=[*fields, "updated_at"])
    if to in Report.FINISHED_STATUSES:
        emit(type=f"report.{to}", subject=report, actor=None, payload={"kind": report.kind})
    return report


def _lock(report_id: int) -> Report:
    return Report.objects.select_for_update().get(pk=report_id)


# Asking for a report ---------------------------------------------------------------------------


@transaction.atomic
def report_request(*, actor: User, kind: str, format: str, through_api: bool = False) -> Report:
    """Save a request for a report and queue its build once the transaction commits.

    Refused (PermissionDenied) unless `can_request_report`. If the queue cannot be reached the
    request is kept, queued, and the sweep hands it over later.
    """
    require(policies.can_request_report(actor, through_api=through_api))
    report = Report(kind=kind, format=format, requested_by=actor)
    save_recorded(report, actor)
    transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    return report


def report_enqueue(*, report_id: int) -> bool:
    """Hand a report's build to the queue now; False (logged) when the broker is unreachable.

    Publishing never hangs a page: no connection retries, and the broker's errors are caught.
    Call it only after the report's row is committed (the worker must see it).
    """
    from . import tasks

    app = tasks.build_report.app
    try:
        # A fresh connection that gives up at once (kombu's default keeps retrying for seconds).
        with app.connection_for_write() as connection:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, timeout=PUBLISH_TIMEOUT
            )
            tasks.build_report.apply_async(
                kwargs={"report_id": report_id}, retry=False, connection=connection
            )
    except BROKER_ERRORS as error:
        logger.warning(
            "Report %s could not be queued (the broker is unreachable); the sweep will queue it "
            "again: %s",
            report_id,
            error,
        )
        return False
    Report.objects.filter(pk=report_id, status=S.QUEUED).update(enqueued_at=timezone.now())
    return True


# Building ----------------------------------------------------------------------------------------


def _start(report_id: int) -> Report | None:
    """Lock the report and move it to running; None when there is nothing to do."""
    with transaction.atomic():
        report = _lock(report_id)
        if report.status in Report.FINISHED_STATUSES:
            return None
        if report.status == S.RUNNING:
            started = report.started_at or report.created_at
            if timezone.now() - started < RUNNING_TAKEOVER_AFTER:
                return None  # another worker is building it
            _move(report, S.QUEUED)  # its worker was lost: take it over
        return _move(
            report,
            S.RUNNING,
            changes={"started_at": timezone.now(), "attempts": report.attempts + 1, "error": ""},
        )


def report_build(*, report_id: int, actor: User | None, final_attempt: bool = True) -> Report:
    """Build a report's file and keep it in the reports storage; safe to run twice.

    Not one transaction: the move to running is committed first (so pages show it) and the file
    is built outside any transaction (it can take a while). A ready or failed report, or one
    another worker is building, is returned unchanged. When building fails the report goes back
    to queued and ReportBuildError is raised (the task retries with back-off), or, on the final
    attempt, it is marked failed with the error.
    """
    from .rendering import render_report

    report = _start(report_id)
    if report is None:
        return Report.objects.get(pk=report_id)
    try:
        content = render_report(report)
    except Exception as error:  # any failure of a build is recorded on the report
        logger.exception("Building report %s failed", report_id)
        message = f"{type(error).__name__}: {error}"[:2000]
        with transaction.atomic():
            report = _lock(report_id)
            if report.status != S.RUNNING:
                return report
            if final_attempt or report.attempts >= MAX_ATTEMPTS:
                return _move(
                    report, S.FAILED, changes={"finished_at": timezone.now(), "error": message}
                )
            _move(report, S.QUEUED, changes={"error": message})
        raise ReportBuildError(message) from error
    return _finish(report_id, content)


def _finish(report_id: int, content: bytes) -> Report:
    with transaction.atomic():
        report = _lock(report_id)
        if report.status != S.RUNNING:
            return report  # finished elsewhere meanwhile: keep that result
        extension = report.format
        stem = report.kind.replace("_", "-")
        report.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        return _move(
            report,
            S.READY,
            changes={
                "file": report.file.name,
                "filename": f"{stem}-{timezone.localdate():%Y-%m-%d}-{report.pk}.{extension}",
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "finished_at": timezone.now(),
            },
        )


def report_open(*, report: Report, actor: User, through_api: bool = False) -> Any:
    """The report's file, opened for reading, after checking the user may download it.

    PermissionDenied if the user may not see it; ReportNotReady while it is not built.
    """
    if not policies.can_view_report(actor, report, through_api=through_api):
        raise PermissionDenied
    if not report.is_ready or not report.file:
        raise ReportNotReady(
            _("The report is not ready yet (status: %(status)s).")
            % {"status": report.get_status_display()}
        )
    try:
        return report.file.open("rb")
    except FileNotFoundError as error:
        raise ReportNotReady(_("The report's file is missing; ask for it again.")) from error


# The sweep -------------------------------------------------------------------------------------


def report_requeue_stale(*, actor: User | None, older_than: timedelta | None = None) -> list[int]:
    """Hand the reports no worker is building to the queue again; returns the ids handed over.

    Two kinds: queued reports no worker started (for longer than `older_than`: the broker was
    down, or the message was lost), and reports still "running" past the build's hard time
    limit (`RUNNING_TAKEOVER_AFTER`), whose worker died mid-build; those go back to queued first,
    so pages say so. Reports being built within the limit, and finished ones, are left alone.
    """
    if older_than is None:
        older_than = timedelta(minutes=settings.REPORTS_REQUEUE_AFTER_MINUTES)
    lost = [
        report_id
        for report_id in Report.objects.stale_running(
            older_than=RUNNING_TAKEOVER_AFTER
        ).values_list("pk", flat=True)[:200]
        if _requeue_lost_build(report_id)
    ]
    stale = list(
        Report.objects.stale_queued(older_than=older_than)
        .exclude(pk__in=lost)
        .order_by("created_at")
        .values_list("pk", flat=True)[:200]
    )
    return [report_id for report_id in [*lost, *stale] if report_enqueue(report_id=report_id)]


def _requeue_lost_build(report_id: int) -> bool:
    """Move a report whose build outlived the time limit back to queued (committed)."""
    with transaction.atomic():
        report = _lock(report_id)
        started = report.started_at or report.created_at
        if report.status != S.RUNNING or timezone.now() - started < RUNNING_TAKEOVER_AFTER:
            return False  # finished or taken over meanwhile
        logger.warning("Report %s lost its worker mid-build; it is queued again.", report_id)
        _move(report, S.QUEUED, changes={"enqueued_at": None})
    return True


# The weekly report -----------------------------------------------------------------------------


def weekly_recipients() -> list[User]:
    """Active ministry staff and approvers with an e-mail address."""
    users = (
        User.objects.filter(
            is_active=True,
            groups__name__in=[Role.MINISTRY.value, Role.APPROVER.value],
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if policies.receives_weekly_report(user)]


def report_send_weekly(*, actor: User | None) -> Report:
    """Build this week's programme status report (PDF) and e-mail it to ministry staff.

    Safe to run twice: a scheduled report made in the last few hours is reused, and a report
    already e-mailed is not e-mailed again. The PDF is attached when it is small enough
    (REPORTS_ATTACH_MAX_BYTES); the e-mail always links to the reports page.
    """
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(is_scheduled=True, created_at__gte=timezone.now() - WEEKLY_WINDOW)
            .exclude(status=S.FAILED)
            .order_by("-created_at")
            .first()
        )
        if report is None:
            report = Report(
                kind=Report.Kind.PROGRAMME_STATUS, format=Report.Format.PDF, is_scheduled=True
            )
            save_recorded(report, actor)
    report = report_build(report_id=report.pk, actor=actor, final_attempt=True)
    if report.emailed_at is not None:
        return report
    if not report.is_ready:
        raise ReportBuildError(report.error or _("The weekly report could not be built."))
    _email_weekly(report, weekly_recipients())
    with transaction.atomic():
        report = _lock(report.pk)
        report.emailed_at = timezone.now()
        save_recorded(report, actor, update_fields=["emailed_at", "updated_at"])
    return report


def _email_weekly(report: Report, recipients: Iterable[User]) -> int:
    base = str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    attach = report.size is not None and report.size <= settings.REPORTS_ATTACH_MAX_BYTES
    content = b""
    if attach:
        with report.file.open("rb") as handle:
            content = handle.read()
    context = {
        "report": report,
        "reports_url": base + reverse("reports:report-list"),
        "download_url": base + reverse("reports:report-download", args=[report.pk]),
        "attached": attach,
    }
    subject = _("Weekly programme status report")
    messages = []
    for user in recipients:
        body = render_to_string("emails/weekly_report.txt", {**context, "recipient": user})
        html = render_to_string("emails/weekly_report.html", {**context, "recipient": user})
        message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
        message.attach_alternative(html, "text/html")
        if attach:
            message.attach(report.filename, content, "application/pdf")
        messages.append(message)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
