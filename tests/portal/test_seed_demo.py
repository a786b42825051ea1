import pytest
from django.core.management import CommandError, call_command

from portal.models import Role, User

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "admin": Role.ADMINISTRATOR,
    "ministry": Role.MINISTRY,
    "approver": Role.APPROVER,
    "nih_lead": Role.NIH_LEAD,
    "nih_expert": Role.NIH_EXPERT,
    "nih_expert2": Role.NIH_EXPERT,
    "bgi_liaison": Role.BGI_LIAISON,
    "api_client": Role.API_CLIENT,
}


def test_seed_demo_creates_one_login_per_role_with_the_demo_password(settings):
    settings.DEMO_PASSWORD = "demo-pass-for-test"

    call_command("seed_demo", "--force")

    users = {u.username: u for u in User.objects.prefetch_related("groups")}
    assert set(users) == set(DEMO_LOGINS)
    for username, role in DEMO_LOGINS.items():
        assert [g.name for g in users[username].groups.all()] == [role.value]
        assert users[username].check_password("demo-pass-for-test") is True


def _counted_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "collaboration", "delegations", "mou"}
    ]


def test_seed_demo_twice_creates_nothing_new():
    call_command("seed_demo", "--force")
    counts = {model: model.objects.count() for model in _counted_models()}

    call_command("seed_demo", "--force")

    assert {model: model.objects.count() for model in counts} == counts


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="needs --force"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_seed_demo_builds_the_programme_through_the_workflow():
    from collaboration.models import (
        ActionItem,
        Capability,
        Meeting,
        PriorityArea,
        Recommendation,
        TeamMembership,
    )

    call_command("seed_demo", "--force")

    assert PriorityArea.objects.count() == 6
    assert set(PriorityArea.objects.values_list("slug", flat=True)) >= {
        "thalassemia", "reproductive-health", "cancer-research", "rare-diseases", "national-gene-bank",
    }  # fmt: skip
    assert Capability.objects.count() == 10
    assert TeamMembership.objects.current().count() == 3
    statuses = sorted(Recommendation.objects.values_list("status", flat=True))
    assert statuses == sorted(
        ["draft", "team_review", "endorsed", "submitted", "approved", "returned"]
    )
    approved = Recommendation.objects.get(status="approved")
    assert approved.versions.count() == 3
    assert [t.transition for t in approved.transitions.all()] == [
        "send_to_team_review", "endorse", "submit_to_ministry", "approve",
    ]  # fmt: skip
    assert approved.transitions.last().actor.username == "ministry"
    kickoff = Meeting.objects.get()
    assert kickoff.chair == "Dr Mukhtar Bharath, Minister of State for Health"
    assert kickoff.decisions.count() == 4
    assert ActionItem.objects.filter(meeting=kickoff).count() == 4


def test_seed_demo_builds_the_visit_and_the_mou():
    from delegations.models import Visit
    from mou.models import ClauseComment, Mou

    call_command("seed_demo", "--force")

    visit = Visit.objects.get()
    assert (visit.status, visit.is_shared_with_bgi) == ("invitation_received", True)
    assert (
        visit.members.get(role="head").name == "Executive Director, National Institutes of Health"
    )
    assert visit.itinerary.count() == 10
    mou = Mou.objects.get()
    assert mou.clauses.count() == 13
    first = mou.versions.get()
    assert (first.number, first.is_shared_with_bgi) == (1, True)
    assert ClauseComment.objects.filter(is_from_bgi=True).count() == 2
    out_of_step = [c.heading_en for c in mou.clauses.all() if c.is_out_of_step]
    assert out_of_step == [
        "Genetic data and samples",
        "National thalassemia carrier screening with BGI",
    ]
