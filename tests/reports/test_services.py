"""Asking for, building and re-queuing reports; the weekly report."""

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reports import services, tasks
from reports.models import Report
from tests.factories import UserFactory

from .factories import ReportFactory, programme_dataset
from .helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_ministry_request_is_saved_then_handed_to_the_queue_after_commit(
    ministry, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_request(actor=ministry, kind="programme_status", format="pdf")
        assert published == []  # nothing is published before the commit

    for callback in callbacks:
        callback()

    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
    assert report.requested_by == ministry
    assert published == [{"kwargs": {"report_id": report.pk}, "retry": False}]
    assert report.enqueued_at is not None


def test_request_is_kept_queued_when_the_broker_is_unreachable(
    approver, broker_down, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.WARNING, logger="reports.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.report_request(actor=approver, kind="action_items", format="xlsx")

    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
    assert report.enqueued_at is None
    assert "could not be queued" in caplog.text


@pytest.mark.parametrize("name", ["nih_expert", "bgi_liaison", "api_client"])
def test_people_without_report_pages_cannot_request_a_report_in_the_pages(persona, name):
    with pytest.raises(PermissionDenied):
        services.report_request(actor=persona(name), kind="programme_status", format="pdf")
    assert Report.objects.count() == 0


def test_api_client_may_request_a_report_through_the_api(api_client, published):
    report = services.report_request(
        actor=api_client, kind="programme_status", format="pdf", through_api=True
    )
    assert report.status == Report.Status.QUEUED


def test_build_moves_a_queued_report_to_ready_and_keeps_its_file(ministry):
    programme_dataset()
    report = ReportFactory(requested_by=ministry)

    built = services.report_build(report_id=report.pk, actor=None)

    assert built.status == Report.Status.READY
    assert built.attempts == 1
    assert built.started_at is not None
    assert built.finished_at is not None
    with built.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    assert built.size == len(content)
    assert re.fullmatch(
        rf"programme-status-\d{{4}}-\d{{2}}-\d{{2}}-{report.pk}\.pdf", built.filename
    )
    assert "Newborn screening" in pdf_text(content)


def test_building_twice_is_harmless_and_a_ready_report_is_not_rebuilt(ministry):
    report = ReportFactory(requested_by=ministry, format=Report.Format.XLSX)
    first = services.report_build(report_id=report.pk, actor=None)

    second = services.report_build(report_id=report.pk, actor=None)

    assert second.status == Report.Status.READY
    assert second.file.name == first.file.name
    assert second.attempts == 1
    assert second.finished_at == first.finished_at


def test_build_leaves_a_report_another_worker_is_building(ministry):
    report = ReportFactory(requested_by=ministry, running=True)

    result = services.report_build(report_id=report.pk, actor=None)

    assert result.status == Report.Status.RUNNING
    assert result.attempts == 1


def test_build_takes_over_a_report_whose_worker_was_lost(ministry):
    report = ReportFactory(
        requested_by=ministry,
        running=True,
        started_at=timezone.now() - dt.timedelta(hours=2),
    )

    result = services.report_build(report_id=report.pk, actor=None)

    assert result.status == Report.Status.READY
    assert result.attempts == 2


def test_a_failed_build_goes_back_to_the_queue_then_fails_on_the_last_attempt():
    # The requester lost every role: reading the programme for them is refused.
    report = ReportFactory(requested_by=UserFactory())

    with pytest.raises(services.ReportBuildError):
        services.report_build(report_id=report.pk, actor=None, final_attempt=False)
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
    assert "PermissionDenied" in report.error

    failed = services.report_build(report_id=report.pk, actor=None, final_attempt=True)

    assert failed.status == Report.Status.FAILED
    assert failed.attempts == 2
    assert failed.finished_at is not None
    assert not failed.file


def test_build_task_retries_then_marks_the_report_failed():
    report = ReportFactory(requested_by=UserFactory())

    result = tasks.build_report.apply(kwargs={"report_id": report.pk})

    report.refresh_from_db()
    assert result.successful()
    assert report.status == Report.Status.FAILED
    assert report.attempts == 3  # the first run and two retries


def test_sweep_requeues_only_stale_queued_reports(ministry, published):
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    never_queued = ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=None)
    lost = ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=long_ago)
    ReportFactory(requested_by=ministry, enqueued_at=None)  # just asked for
    ReportFactory(requested_by=ministry, created_at=long_ago)  # just handed over again
    ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=long_ago, running=True)
    ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=long_ago, ready=True)
    ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=long_ago, failed=True)

    requeued = tasks.requeue_stale_reports.apply().get()

    assert sorted(requeued) == sorted([never_queued.pk, lost.pk])
    assert sorted(call["kwargs"]["report_id"] for call in published) == sorted(requeued)
    never_queued.refresh_from_db()
    assert never_queued.enqueued_at is not None


def test_sweep_reports_nothing_handed_over_while_the_broker_is_still_down(ministry, broker_down):
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    report = ReportFactory(requested_by=ministry, created_at=long_ago, enqueued_at=None)

    assert services.report_requeue_stale(actor=None) == []
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED


def test_weekly_task_emails_ministry_staff_the_pdf(ministry, approver, nih_lead, bgi_liaison):
    programme_dataset()

    report_id = tasks.send_weekly_status_report.apply().get()

    report = Report.objects.get(pk=report_id)
    assert report.is_scheduled is True
    assert report.requested_by is None
    assert report.status == Report.Status.READY
    assert report.emailed_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ministry.email, approver.email])
    message = mail.outbox[0]
    assert message.subject == "Weekly programme status report"
    assert "/reports/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name == report.filename
    assert mimetype == "application/pdf"
    assert "Newborn screening" in pdf_text(content)


def test_weekly_task_run_twice_sends_one_email(ministry):
    first = tasks.send_weekly_status_report.apply().get()
    second = tasks.send_weekly_status_report.apply().get()

    assert first == second
    assert len(mail.outbox) == 1


def test_weekly_report_too_large_to_attach_is_linked(ministry, settings):
    settings.REPORTS_ATTACH_MAX_BYTES = 10

    tasks.send_weekly_status_report.apply().get()

    message = mail.outbox[0]
    assert message.attachments == []
    assert "/download/" in message.body


def test_build_task_for_a_report_that_no_longer_exists_does_nothing():
    assert tasks.build_report.apply(kwargs={"report_id": 987654}).get() == "missing"


def test_sweep_requeues_a_report_whose_worker_died_mid_build(ministry, published):
    past_limit = timezone.now() - services.RUNNING_TAKEOVER_AFTER - dt.timedelta(seconds=5)
    lost = ReportFactory(
        requested_by=ministry, created_at=past_limit, enqueued_at=past_limit, running=True
    )
    Report.objects.filter(pk=lost.pk).update(started_at=past_limit)
    building = ReportFactory(requested_by=ministry, running=True)  # within the time limit

    requeued = tasks.requeue_stale_reports.apply().get()

    assert requeued == [lost.pk]
    assert [call["kwargs"]["report_id"] for call in published] == [lost.pk]
    lost.refresh_from_db()
    building.refresh_from_db()
    assert lost.status == Report.Status.QUEUED
    assert building.status == Report.Status.RUNNING


def test_a_requeued_lost_build_is_built_by_the_next_worker(ministry, published):
    past_limit = timezone.now() - services.RUNNING_TAKEOVER_AFTER - dt.timedelta(seconds=5)
    programme_dataset()
    lost = ReportFactory(requested_by=ministry, created_at=past_limit, running=True)
    Report.objects.filter(pk=lost.pk).update(started_at=past_limit)
    services.report_requeue_stale(actor=None)

    tasks.build_report.apply(kwargs={"report_id": lost.pk})

    lost.refresh_from_db()
    assert lost.status == Report.Status.READY
    assert lost.attempts == 2
