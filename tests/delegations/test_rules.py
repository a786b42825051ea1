"""Rules of the delegations app written once: when a checklist task is overdue, which visit
records are active, and who may open the visit pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from delegations import policies
from delegations.models import LogisticsTask, Visit, VisitObjective
from delegations.services import logistics_task_add, objective_add
from tests.factories import PriorityAreaFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def add_task(visit, actor, title, due_on=None, done_on=None):
    task = logistics_task_add(visit=visit, actor=actor, title=title, due_on=due_on)
    if done_on is not None:
        LogisticsTask.objects.filter(pk=task.pk).update(done_on=done_on)
        task.refresh_from_db()
    return task


def test_a_task_is_overdue_the_day_after_its_due_date_while_it_is_open(ministry):
    visit = VisitFactory()
    tasks = {
        "yesterday": add_task(visit, ministry, "Book hotel", TODAY - dt.timedelta(days=1)),
        "today": add_task(visit, ministry, "Tickets", TODAY),
        "tomorrow": add_task(visit, ministry, "Visas", TODAY + dt.timedelta(days=1)),
        "undated": add_task(visit, ministry, "Gifts"),
        "done late": add_task(visit, ministry, "Insurance", TODAY - dt.timedelta(days=3), TODAY),
    }

    by_queryset = set(LogisticsTask.objects.overdue(TODAY).values_list("title", flat=True))
    by_property = {task.title for task in tasks.values() if task.is_overdue_on(TODAY)}

    assert by_queryset == by_property == {"Book hotel"}
    assert set(LogisticsTask.objects.due_by(TODAY).values_list("title", flat=True)) == {
        "Book hotel",
        "Tickets",
    }
    assert LogisticsTask.objects.open().count() == 4
    assert list(LogisticsTask.objects.done().values_list("title", flat=True)) == ["Insurance"]


def test_overdue_defaults_to_the_local_date(ministry):
    visit = VisitFactory()
    today = timezone.localdate()
    late = add_task(visit, ministry, "Book hotel", today - dt.timedelta(days=1))
    add_task(visit, ministry, "Tickets", today)

    assert list(LogisticsTask.objects.overdue()) == [late]
    assert late.is_overdue


def test_the_page_and_the_api_count_overdue_tasks_by_the_same_rule(client, api_as, ministry):
    visit = VisitFactory()
    today = timezone.localdate()
    add_task(visit, ministry, "Book hotel", today - dt.timedelta(days=1))
    add_task(visit, ministry, "Tickets", today)
    add_task(visit, ministry, "Insurance", today - dt.timedelta(days=2), today)
    client.force_login(ministry)

    page = client.get(reverse("delegations:visit-logistics", args=[visit.pk]))
    body = api_as(ministry).get(reverse("api:visit-detail", args=[visit.pk])).json()

    overdue_rows = [row["task"].title for row in page.context["tasks"] if row["is_overdue"]]
    assert overdue_rows == ["Book hotel"]
    assert body["logistics"] == {"total": 3, "done": 1, "overdue": 1}


def test_archived_records_are_not_active(ministry):
    visit = VisitFactory()
    archived = VisitFactory(archived_at=timezone.now())
    area = PriorityAreaFactory(programme=visit.programme)
    kept = objective_add(visit=visit, actor=ministry, priority_area=area, text="Sequencing")
    gone = objective_add(visit=visit, actor=ministry, priority_area=area, text="Old aim")
    VisitObjective.objects.filter(pk=gone.pk).update(archived_at=timezone.now())

    assert set(Visit.objects.active()) == {visit}
    assert set(Visit.objects.archived()) == {archived}
    assert list(VisitObjective.objects.active().filter(visit=visit)) == [kept]
    assert [o.text for o in Visit.objects.get(pk=visit.pk).current_objectives()] == ["Sequencing"]


@pytest.mark.parametrize(
    ("persona_name", "may_open"),
    [
        ("ministry", True),
        ("nih_expert", True),
        ("bgi_liaison", True),
        ("api_client", False),
    ],
)
def test_the_visit_pages_are_for_people_inside_government_and_bgi(persona, persona_name, may_open):
    assert policies.can_view_visit_pages(persona(persona_name)) is may_open


def test_someone_without_a_role_may_not_open_the_visit_pages(client):
    nobody = UserFactory()
    client.force_login(nobody)

    assert policies.can_view_visit_pages(nobody) is False
    assert client.get(reverse("delegations:visit-list")).status_code == 404
    assert client.get(reverse("delegations:visit-create")).status_code == 404


def test_a_stale_invitation_form_comes_back_on_the_current_version(client, ministry):
    visit = VisitFactory()
    Visit.objects.filter(pk=visit.pk).update(version=visit.version + 1)
    client.force_login(ministry)
    letter = SimpleUploadedFile(
        "letter.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf"
    )
    response = client.post(
        reverse("delegations:visit-invitation", args=[visit.pk]),
        {
            "letter": letter,
            "received_on": "2026-11-20",
            "reference": "BGI/IC/118",
            "version": visit.version,
        },
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this since you opened it; nothing was changed." in page
    # Sent again as it stands, the form would be refused forever; it now carries the version
    # the person sees, and what they typed.
    assert f'name="version" value="{visit.version + 1}"' in page
    assert 'value="BGI/IC/118"' in page
