"""Background work of the reports app: thin wrappers around reports.services.

Every task takes ids only and is idempotent (the services lock the report row), so a message
delivered twice, or a retry, is harmless.
"""

import logging
from typing import Any

from celery import shared_task

from .services import ReportBuildError

logger = logging.getLogger(__name__)

# Building a large PDF can take a while; the limits stop a runaway build and let it be retried.
BUILD_SOFT_TIME_LIMIT = 240
BUILD_TIME_LIMIT = 300


@shared_task(
    name="reports.build_report",
    bind=True,
    # The outcome is the report's status in the database; no result is stored.
    ignore_result=True,
    acks_late=True,
    autoretry_for=(ReportBuildError,),
    max_retries=2,
    retry_backoff=10,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
)
def build_report(self: Any, report_id: int) -> str:
    """Build one report's file (queued → running → ready, or failed after the last retry)."""
    from .models import Report
    from .services import report_build

    final_attempt = self.request.retries >= (self.max_retries or 0)
    try:
        report = report_build(report_id=report_id, actor=None, final_attempt=final_attempt)
    except Report.DoesNotExist:
        # A message outlived its report (for example a database restored from a backup).
        logger.warning("Report %s does not exist; nothing to build.", report_id)
        return "missing"
    return str(report.status)


@shared_task(name="reports.requeue_stale_reports", acks_late=True)
def requeue_stale_reports() -> list[int]:
    """Queue again the reports that were asked for but never started (broker down, lost message)."""
    from .services import report_requeue_stale

    return report_requeue_stale(actor=None)


@shared_task(
    name="reports.send_weekly_status_report",
    bind=True,
    acks_late=True,
    autoretry_for=(ReportBuildError,),
    max_retries=2,
    retry_backoff=60,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
)
def send_weekly_status_report(self: Any) -> int:
    """Build this week's programme status report and e-mail it to ministry staff."""
    from .services import report_send_weekly

    return report_send_weekly(actor=None).pk
