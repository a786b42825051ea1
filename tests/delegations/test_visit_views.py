"""Visit pages as each persona sees them: the list, the overview with its workflow steps,
create and edit, BGI's invitation, members and readiness, logistics and budget."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegations.models import BudgetLine, DelegationMember, LogisticsTask, Visit, VisitTransition
from delegations.services import (
    budget_line_add,
    logistics_task_add,
    objective_add,
    visit_record_invitation,
)
from tests.factories import (
    DelegationMemberFactory,
    PriorityAreaFactory,
    ProgrammeFactory,
    RecommendationFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

S = Visit.Status
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
INTERNAL_NOTES = "Head of delegation prefers an aisle seat; budget head 4321."


def html_of(response) -> str:
    return response.content.decode()


def offered_steps(response) -> set[str]:
    return set(re.findall(r'data-transition="([a-z_]+)"', html_of(response)))


def list_titles(response) -> list[str]:
    body = html_of(response).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/delegations/visits/\d+/">([^<]+)</a>', body)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf_upload(name="invitation.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def shared_visit(ministry):
    """A visit shared with BGI, with an objective, a member, a budget line and an invitation."""
    visit = VisitFactory(
        title="Delegation to Shenzhen",
        purpose="See BGI's sequencing platforms.",
        internal_notes=INTERNAL_NOTES,
        official_reference="F.No. 3-7/2026-IHR",
        shared=True,
    )
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    objective_add(
        visit=visit, actor=ministry, priority_area=area, text="Agree a carrier-screening pilot."
    )
    DelegationMemberFactory(visit=visit, name="Dr Farah Khan", role="head")
    budget_line_add(
        visit=visit, actor=ministry, category="airfare", estimated_pkr=Decimal("987654")
    )
    visit_record_invitation(
        visit=visit, actor=ministry, letter=pdf_upload(), received_on=dt.date(2026, 11, 20),
        reference="BGI/IC/118",
    )  # fmt: skip
    visit.refresh_from_db()
    return visit


# The list -----------------------------------------------------------------------------------


def test_bgi_liaison_sees_only_visits_shared_with_bgi(client, bgi_liaison):
    VisitFactory(title="Shared visit", shared=True)
    VisitFactory(title="Internal visit")
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:visit-list"))

    assert response.status_code == 200
    assert list_titles(response) == ["Shared visit"]
    assert "Readiness" not in html_of(response)
    assert "New visit" not in html_of(response)


def test_ministry_sees_every_visit_with_readiness_and_the_new_visit_button(client, ministry):
    shared = VisitFactory(title="Shared visit", shared=True, starts_on=dt.date(2027, 3, 1),
                          ends_on=dt.date(2027, 3, 5))  # fmt: skip
    VisitFactory(title="Internal visit")
    DelegationMemberFactory(visit=shared, name="Head", role="head")
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-list"))

    assert list_titles(response) == ["Shared visit", "Internal visit"]
    page = html_of(response)
    assert "New visit" in page
    assert re.search(r'data-testid="readiness">\s*0%', page)
    assert "No members yet" in page
    assert "Shared</span>" in page


def test_api_client_and_outsiders_get_404_on_visit_pages(client, api_client):
    visit = VisitFactory(shared=True)
    client.force_login(api_client)

    assert client.get(reverse("delegations:visit-list")).status_code == 404
    assert client.get(reverse("delegations:visit-detail", args=[visit.pk])).status_code == 404


def test_list_filters_by_status_and_date_range(client, ministry):
    VisitFactory(
        title="January visit", starts_on=dt.date(2027, 1, 10), ends_on=dt.date(2027, 1, 15)
    )
    VisitFactory(title="March visit", starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 5),
                 invitation_received=True)  # fmt: skip
    client.force_login(ministry)
    url = reverse("delegations:visit-list")

    by_status = client.get(url, {"status": S.INVITATION_RECEIVED})
    by_range = client.get(url, {"date_from": "2027-01-14", "date_to": "2027-02-01"})
    nothing = client.get(url, {"date_from": "2028-01-01"})

    assert list_titles(by_status) == ["March visit"]
    assert list_titles(by_range) == ["January visit"]
    assert "No visit matches these filters" in html_of(nothing)


@pytest.mark.parametrize("rows", [10, 200])
def test_list_page_query_count_stays_flat(client, ministry, django_assert_max_num_queries, rows):
    for visit in VisitFactory.create_batch(rows):
        DelegationMemberFactory(visit=visit, role="head", passport_expires_on=dt.date(2030, 1, 1))
        DelegationMemberFactory(visit=visit)
    client.force_login(ministry)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("delegations:visit-list"))

    assert response.status_code == 200
    assert len(list_titles(response)) == min(rows, 25)
    assert html_of(response).count('data-testid="readiness"') == min(rows, 25)


# The overview and what BGI's liaison sees -------------------------------------------------------


def test_bgi_liaison_sees_objectives_but_nothing_internal_on_a_shared_visit(
    client, bgi_liaison, shared_visit
):
    client.force_login(bgi_liaison)

    response = client.get(reverse("delegations:visit-detail", args=[shared_visit.pk]))

    assert response.status_code == 200
    page = html_of(response)
    assert "Delegation to Shenzhen" in page
    assert (
        "See BGI&#x27;s sequencing platforms." in page or "See BGI's sequencing platforms." in page
    )
    assert "Agree a carrier-screening pilot." in page
    assert "Thalassemia" in page
    for internal in (
        INTERNAL_NOTES,
        "Internal notes",
        "Travel readiness",
        "Blocks departure",
        "Dr Farah Khan",
        "Budget",
        "987",
        "BGI/IC/118",
        "invitation letter",
        "Received on",
        reverse("delegations:visit-invitation-download", args=[shared_visit.pk]),
        reverse("delegations:visit-members", args=[shared_visit.pk]),
        reverse("delegations:visit-logistics", args=[shared_visit.pk]),
        reverse("delegations:visit-budget", args=[shared_visit.pk]),
        "F.No. 3-7/2026-IHR",
        "/priority-areas/",
    ):
        assert internal not in page, internal
    assert reverse("delegations:visit-itinerary", args=[shared_visit.pk]) in page


@pytest.mark.parametrize(
    "url_name", ["visit-members", "visit-logistics", "visit-budget", "visit-invitation"]
)
def test_bgi_liaison_gets_404_on_internal_pages_of_a_shared_visit(
    client, bgi_liaison, shared_visit, url_name
):
    client.force_login(bgi_liaison)

    response = client.get(reverse(f"delegations:{url_name}", args=[shared_visit.pk]))

    assert response.status_code == 404


def test_bgi_liaison_gets_404_on_a_visit_not_shared(client, bgi_liaison):
    visit = VisitFactory()
    client.force_login(bgi_liaison)

    assert client.get(reverse("delegations:visit-detail", args=[visit.pk])).status_code == 404


def test_bgi_liaison_cannot_move_or_share_a_shared_visit(client, bgi_liaison):
    visit = VisitFactory(shared=True, invitation_received=True)
    client.force_login(bgi_liaison)

    moved = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "cancel", "version": visit.version, "comment": "No."},
    )
    unshared = client.post(reverse("delegations:visit-share", args=[visit.pk]), {"shared": "0"})

    assert (moved.status_code, unshared.status_code) == (404, 404)
    visit.refresh_from_db()
    assert (visit.status, visit.is_shared_with_bgi) == (S.INVITATION_RECEIVED, True)


def test_ministry_sees_internal_blocks_on_the_overview(client, ministry, shared_visit):
    client.force_login(ministry)

    page = html_of(client.get(reverse("delegations:visit-detail", args=[shared_visit.pk])))

    assert INTERNAL_NOTES in page
    assert "BGI/IC/118" in page
    assert reverse("delegations:visit-invitation-download", args=[shared_visit.pk]) in page
    assert "Blocks departure" in page
    assert "Dr Farah Khan: Passport expiry date not recorded." in page
    assert "F.No. 3-7/2026-IHR" in page
    assert "Stop sharing with BGI" in page
    # The recorded step, with who, from and to.
    assert "Record BGI&#x27;s invitation" in page or "Record BGI's invitation" in page
    assert 'Proposed <span aria-hidden="true">→</span>' in page


def test_ministry_shares_a_visit_and_bgi_then_sees_it(client, ministry, bgi_liaison):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(reverse("delegations:visit-share", args=[visit.pk]), {"shared": "1"})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.is_shared_with_bgi is True
    client.force_login(bgi_liaison)
    assert client.get(reverse("delegations:visit-detail", args=[visit.pk])).status_code == 200


def test_nih_expert_cannot_share_a_visit(client, nih_expert):
    visit = VisitFactory()
    client.force_login(nih_expert)

    response = client.post(reverse("delegations:visit-share", args=[visit.pk]), {"shared": "1"})

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.is_shared_with_bgi is False


def test_ministry_adds_an_objective_linked_to_a_recommendation(client, ministry):
    visit = VisitFactory()
    area = PriorityAreaFactory(name="Rare diseases", slug="rare-diseases")
    recommendation = RecommendationFactory(title="Exome sequencing", priority_areas=[area])
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:objective-create", args=[visit.pk]),
        {"priority_area": area.pk, "recommendation": recommendation.pk, "text": "Learn exomes."},
    )

    assert response.status_code == 302
    [objective] = visit.objectives.all()
    assert (objective.text, objective.recommendation) == ("Learn exomes.", recommendation)
    page = html_of(client.get(reverse("delegations:visit-detail", args=[visit.pk])))
    assert "Learn exomes." in page
    assert recommendation.get_absolute_url() in page


def test_an_objective_with_a_recommendation_of_another_area_is_refused(client, ministry):
    visit = VisitFactory()
    area = PriorityAreaFactory(name="Rare diseases", slug="rare-diseases")
    other = RecommendationFactory(priority_areas=[PriorityAreaFactory()])
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:objective-create", args=[visit.pk]),
        {"priority_area": area.pk, "recommendation": other.pk, "text": "Learn exomes."},
    )

    assert response.status_code == 400
    assert "not about the chosen priority area" in html_of(response)
    assert visit.objectives.count() == 0


def test_nih_expert_cannot_add_an_objective(client, nih_expert):
    visit = VisitFactory()
    client.force_login(nih_expert)

    response = client.post(
        reverse("delegations:objective-create", args=[visit.pk]),
        {"priority_area": PriorityAreaFactory().pk, "text": "Learn exomes."},
    )

    assert response.status_code == 403
    assert visit.objectives.count() == 0


# Workflow steps through the page ----------------------------------------------------------------


def test_overview_offers_plain_steps_and_links_to_the_invitation_form(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-detail", args=[visit.pk]))

    assert offered_steps(response) == {"postpone", "cancel"}
    assert reverse("delegations:visit-invitation", args=[visit.pk]) in html_of(response)


def test_nih_expert_is_offered_no_steps(client, nih_expert):
    visit = VisitFactory(invitation_received=True)
    client.force_login(nih_expert)

    response = client.get(reverse("delegations:visit-detail", args=[visit.pk]))

    assert response.status_code == 200
    assert offered_steps(response) == set()
    assert "Edit visit" not in html_of(response)


def test_ministry_approves_with_the_travel_approval_reference(client, ministry):
    visit = VisitFactory(invitation_received=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "approve", "version": visit.version, "travel_approval_reference": "NOC-77"},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.travel_approval_reference) == (S.APPROVED, "NOC-77")
    step = VisitTransition.objects.get(subject=visit)
    assert (step.actor, step.from_status, step.to_status) == (
        ministry,
        "invitation_received",
        "approved",
    )


def test_approving_without_a_reference_shows_an_error_and_changes_nothing(client, ministry):
    visit = VisitFactory(invitation_received=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "approve", "version": visit.version, "travel_approval_reference": " "},
    )

    assert response.status_code == 400
    assert "Give the government travel approval reference." in html_of(response)
    visit.refresh_from_db()
    assert (visit.status, visit.travel_approval_reference) == (S.INVITATION_RECEIVED, "")


def test_a_step_from_the_wrong_state_is_refused_with_409(client, ministry):
    visit = VisitFactory()  # proposed
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "depart", "version": visit.version},
    )

    assert response.status_code == 409
    assert "is not possible while the record is Proposed" in html_of(response)
    visit.refresh_from_db()
    assert visit.status == S.PROPOSED
    assert not VisitTransition.objects.filter(subject=visit).exists()


def test_postponing_needs_a_comment(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)
    url = reverse("delegations:visit-transition", args=[visit.pk])

    refused = client.post(url, {"transition": "postpone", "version": visit.version})
    done = client.post(
        url, {"transition": "postpone", "version": visit.version, "comment": "Visa delays."}
    )

    assert refused.status_code == 409
    assert "needs a comment" in html_of(refused)
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == S.POSTPONED
    assert VisitTransition.objects.get(subject=visit).comment == "Visa delays."


def test_a_step_from_a_stale_page_is_refused(client, ministry):
    visit = VisitFactory(invitation_received=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {
            "transition": "approve",
            "version": visit.version + 5,
            "travel_approval_reference": "N",
        },
    )

    assert response.status_code == 409
    assert "Someone else changed this since you opened it; nothing was changed." in html_of(
        response
    )
    visit.refresh_from_db()
    assert visit.status == S.INVITATION_RECEIVED


def test_the_invitation_step_is_refused_through_the_generic_form(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "record_invitation", "version": visit.version},
    )

    assert response.status_code == 409
    visit.refresh_from_db()
    assert visit.status == S.PROPOSED


def test_nih_expert_cannot_take_a_step(client, nih_expert):
    visit = VisitFactory(invitation_received=True)
    client.force_login(nih_expert)

    response = client.post(
        reverse("delegations:visit-transition", args=[visit.pk]),
        {"transition": "approve", "version": visit.version, "travel_approval_reference": "NOC-1"},
    )

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == S.INVITATION_RECEIVED


# Create and edit ------------------------------------------------------------------------------


def visit_form(**overrides):
    data = {
        "title": "Second delegation to BGI",
        "purpose": "Gene bank governance.",
        "starts_on": "2027-05-10",
        "ends_on": "2027-05-14",
        "destination": "Shenzhen, China",
        "responsible_officer": "",
        "official_reference": "F.No. 9/2027",
        "internal_notes": "Keep it small.",
    }
    data.update(overrides)
    return data


def test_ministry_creates_a_visit(client, ministry):
    ProgrammeFactory()
    client.force_login(ministry)

    form_page = client.get(reverse("delegations:visit-create"))
    response = client.post(
        reverse("delegations:visit-create"), visit_form(responsible_officer=ministry.pk)
    )

    assert form_page.status_code == 200
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.title, visit.status, visit.created_by, visit.responsible_officer) == (
        "Second delegation to BGI", S.PROPOSED, ministry, ministry,
    )  # fmt: skip
    assert visit.ends_on == dt.date(2027, 5, 14)


def test_a_visit_returning_before_it_departs_is_refused(client, ministry):
    ProgrammeFactory()
    client.force_login(ministry)

    response = client.post(reverse("delegations:visit-create"), visit_form(ends_on="2027-05-01"))

    assert response.status_code == 400
    assert "The return date cannot be before the departure date." in html_of(response)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("persona_name", ["nih_expert", "nih_lead", "bgi_liaison"])
def test_others_cannot_create_or_edit_a_visit(client, persona, persona_name):
    ProgrammeFactory()
    visit = VisitFactory(title="Unchanged", shared=True)
    client.force_login(persona(persona_name))

    statuses = [
        client.get(reverse("delegations:visit-create")).status_code,
        client.post(reverse("delegations:visit-create"), visit_form()).status_code,
        client.post(
            reverse("delegations:visit-update", args=[visit.pk]),
            visit_form(version=visit.version),
        ).status_code,
    ]

    expected_edit = 404 if persona_name == "bgi_liaison" else 403
    assert statuses == [403, 403, expected_edit]
    assert list(Visit.objects.values_list("title", flat=True)) == ["Unchanged"]


def test_ministry_edits_a_visit(client, ministry):
    visit = VisitFactory(title="Old title")
    client.force_login(ministry)

    page = client.get(reverse("delegations:visit-update", args=[visit.pk]))
    response = client.post(
        reverse("delegations:visit-update", args=[visit.pk]),
        visit_form(title="New title", version=visit.version),
    )

    assert page.status_code == 200
    assert f'name="version" value="{visit.version}"' in html_of(page)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.internal_notes) == ("New title", "Keep it small.")


def test_an_edit_based_on_a_stale_version_is_refused_with_the_conflict(client, ministry):
    visit = VisitFactory(title="Saved by someone else")
    stale = visit.version
    Visit.objects.filter(pk=visit.pk).update(version=stale + 1)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-update", args=[visit.pk]),
        visit_form(title="My title", version=stale),
    )

    assert response.status_code == 409
    page = html_of(response)
    assert "Someone else changed this since you opened it, so your changes were not saved." in page
    assert "Saved by someone else" in page
    assert f'name="version" value="{stale + 1}"' in page
    visit.refresh_from_db()
    assert (visit.title, visit.version) == ("Saved by someone else", stale + 1)


# BGI's invitation -------------------------------------------------------------------------------


def invitation_post(visit, letter, **overrides):
    data = {
        "letter": letter,
        "received_on": "2026-11-20",
        "reference": "BGI/IC/118",
        "version": visit.version,
    }
    data.update(overrides)
    return data


def test_ministry_records_the_invitation_pdf(client, ministry, settings):
    visit = VisitFactory()
    client.force_login(ministry)
    url = reverse("delegations:visit-invitation", args=[visit.pk])

    form_page = client.get(url)
    response = client.post(url, invitation_post(visit, pdf_upload()))

    assert form_page.status_code == 200
    assert 'type="file"' in html_of(form_page)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == S.INVITATION_RECEIVED
    assert (visit.invitation_reference, visit.invitation_received_on) == (
        "BGI/IC/118", dt.date(2026, 11, 20),
    )  # fmt: skip
    assert len(stored_files(settings)) == 1


def test_an_upload_that_is_not_a_pdf_is_refused_and_nothing_is_stored(client, ministry, settings):
    visit = VisitFactory()
    client.force_login(ministry)
    fake = SimpleUploadedFile(
        "letter.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )

    response = client.post(
        reverse("delegations:visit-invitation", args=[visit.pk]), invitation_post(visit, fake)
    )

    assert response.status_code == 400
    assert "The file is not a PDF document." in html_of(response)
    visit.refresh_from_db()
    assert (visit.status, visit.invitation_letter.name, visit.invitation_reference) == (
        S.PROPOSED, "", "",
    )  # fmt: skip
    assert stored_files(settings) == []


def test_an_oversized_pdf_is_refused_and_nothing_is_stored(client, ministry, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    visit = VisitFactory()
    client.force_login(ministry)
    big = pdf_upload(content=PDF + b"0" * (1024 * 1024))

    response = client.post(
        reverse("delegations:visit-invitation", args=[visit.pk]), invitation_post(visit, big)
    )

    assert response.status_code == 400
    assert "The file is larger than 1 MB." in html_of(response)
    visit.refresh_from_db()
    assert (visit.status, visit.invitation_letter.name) == (S.PROPOSED, "")
    assert stored_files(settings) == []


def test_the_invitation_cannot_be_recorded_twice(client, ministry, settings):
    visit = VisitFactory(invitation_received=True)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-invitation", args=[visit.pk]),
        invitation_post(visit, pdf_upload()),
    )

    assert response.status_code == 409
    assert stored_files(settings) == []


def test_nih_expert_cannot_record_the_invitation(client, nih_expert, settings):
    visit = VisitFactory()
    client.force_login(nih_expert)

    response = client.post(
        reverse("delegations:visit-invitation", args=[visit.pk]),
        invitation_post(visit, pdf_upload()),
    )

    assert response.status_code == 403
    assert stored_files(settings) == []


@pytest.mark.parametrize("persona_name", ["ministry", "nih_expert"])
def test_internal_people_download_the_invitation_as_a_pdf_attachment(
    client, persona, persona_name, shared_visit
):
    client.force_login(persona(persona_name))

    response = client.get(reverse("delegations:visit-invitation-download", args=[shared_visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona_name", ["bgi_liaison", "api_client"])
def test_bgi_and_machine_accounts_cannot_download_the_invitation(
    client, persona, persona_name, shared_visit
):
    client.force_login(persona(persona_name))

    response = client.get(reverse("delegations:visit-invitation-download", args=[shared_visit.pk]))

    assert response.status_code == 404


def test_a_visit_without_a_letter_has_nothing_to_download(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-invitation-download", args=[visit.pk]))

    assert response.status_code == 404


# Members and readiness ------------------------------------------------------------------------


def test_readiness_page_flags_a_passport_expiring_five_months_after_return(client, nih_expert):
    visit = VisitFactory(ends_on=dt.date(2027, 1, 15))
    DelegationMemberFactory(
        visit=visit, name="Dr Farah Khan", role="head", passport_expires_on=dt.date(2027, 6, 15),
        visa_applied_on=dt.date(2026, 11, 1), visa_issued_on=dt.date(2026, 11, 5),
        travel_approval_on=dt.date(2026, 11, 1), tickets_issued_on=dt.date(2026, 11, 2),
        insurance_on=dt.date(2026, 11, 2),
    )  # fmt: skip
    client.force_login(nih_expert)

    response = client.get(reverse("delegations:visit-members", args=[visit.pk]))

    assert response.status_code == 200
    page = html_of(response)
    passport_cell = re.search(r'data-check="passport">(.*?)</td>', page, re.S).group(1)
    assert "Not valid long enough" in passport_cell
    assert "must be valid until 15 Jul 2027" in passport_cell
    blockers = re.search(r'data-testid="blockers">(.*?)</ul>', page, re.S).group(1)
    assert "Dr Farah Khan: Passport expires on 15 Jun 2027" in blockers
    assert page.count("✓</span> Done") == 5
    assert "Add a member" not in page  # NIH reads, the ministry manages


def test_members_table_shows_role_organisation_and_login(client, ministry, nih_lead):
    visit = VisitFactory()
    DelegationMemberFactory(visit=visit, user=nih_lead, name="NIH Executive Director", role="head",
                            organisation="NIH")  # fmt: skip
    DelegationMemberFactory(visit=visit, name="Mr Bilal External", organisation="PIMS")
    client.force_login(ministry)

    page = html_of(client.get(reverse("delegations:visit-members", args=[visit.pk])))

    assert "Head of delegation" in page
    assert "PIMS" in page
    assert "No (external)" in page
    assert re.search(r"NIH Executive Director.*?<td>\s*Yes", page, re.S)
    assert "passport number" not in page.lower().replace("never its number", "")


def test_ministry_adds_an_external_member(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    form_page = client.get(reverse("delegations:member-create", args=[visit.pk]))
    response = client.post(
        reverse("delegations:member-create", args=[visit.pk]),
        {"name": "Dr Ayesha Malik", "organisation": "PIMS", "title": "Haematologist",
         "email": "ayesha@example.org", "role": "member", "passport_expires_on": "2030-01-01"},
    )  # fmt: skip

    assert form_page.status_code == 200
    assert "passport_number" not in html_of(form_page)
    assert response.status_code == 302
    member = DelegationMember.objects.get(visit=visit)
    assert (member.name, member.user, member.passport_expires_on) == (
        "Dr Ayesha Malik", None, dt.date(2030, 1, 1),
    )  # fmt: skip


def test_ministry_adds_a_portal_user_as_head(client, ministry, nih_lead):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:member-create", args=[visit.pk]), {"user": nih_lead.pk, "role": "head"}
    )

    assert response.status_code == 302
    member = DelegationMember.objects.get(visit=visit)
    assert (member.user, member.name, member.role) == (nih_lead, nih_lead.display_name, "head")


def test_a_member_needs_a_name_or_a_login(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:member-create", args=[visit.pk]), {"name": " ", "role": "member"}
    )

    assert response.status_code == 400
    assert "Give the member&#x27;s name, or choose a portal user." in html_of(response)
    assert not DelegationMember.objects.exists()


def test_a_second_head_of_delegation_is_refused(client, ministry):
    visit = VisitFactory()
    DelegationMemberFactory(visit=visit, role="head")
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:member-create", args=[visit.pk]), {"name": "Another", "role": "head"}
    )

    assert response.status_code == 409
    assert "already has a head" in html_of(response)
    assert visit.members.count() == 1


def test_ministry_edits_a_members_readiness_dates(client, ministry):
    member = DelegationMemberFactory(name="Dr Farah Khan")
    client.force_login(ministry)
    url = reverse("delegations:member-update", args=[member.pk])

    page = client.get(url)
    response = client.post(
        url, {"name": "Dr Farah Khan", "role": "secretary", "visa_applied_on": "2026-12-01"}
    )

    assert page.status_code == 200
    assert "Dr Farah Khan" in html_of(page)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.visa_applied_on) == ("secretary", dt.date(2026, 12, 1))


def test_ministry_removes_a_member_and_the_record_stays(client, ministry):
    member = DelegationMemberFactory(name="Dr Farah Khan")
    client.force_login(ministry)

    response = client.post(reverse("delegations:member-remove", args=[member.pk]))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    page = html_of(client.get(reverse("delegations:visit-members", args=[member.visit_id])))
    assert f'id="member-{member.pk}"' not in page
    assert "No one is in the delegation yet." in page


def test_nih_expert_cannot_change_members(client, nih_expert):
    member = DelegationMemberFactory(name="Dr Farah Khan")
    client.force_login(nih_expert)

    statuses = [
        client.post(
            reverse("delegations:member-create", args=[member.visit_id]),
            {"name": "X", "role": "member"},
        ).status_code,
        client.post(
            reverse("delegations:member-update", args=[member.pk]), {"name": "Y", "role": "member"}
        ).status_code,
        client.post(reverse("delegations:member-remove", args=[member.pk])).status_code,
    ]

    assert statuses == [403, 403, 403]
    member.refresh_from_db()
    assert (member.name, member.is_active, member.visit.members.count()) == (
        "Dr Farah Khan",
        True,
        1,
    )


def test_bgi_liaison_gets_404_on_members_of_a_shared_visit(client, bgi_liaison):
    member = DelegationMemberFactory(visit=VisitFactory(shared=True))
    client.force_login(bgi_liaison)

    assert client.get(reverse("delegations:member-update", args=[member.pk])).status_code == 404
    assert client.post(reverse("delegations:member-remove", args=[member.pk])).status_code == 404


# Logistics and budget ---------------------------------------------------------------------------


def test_ministry_adds_a_logistics_task_and_marks_it_done_and_undone(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)
    url = reverse("delegations:visit-logistics", args=[visit.pk])

    added = client.post(url, {"title": "Book hotel", "owner": ministry.pk, "due_on": "2026-12-20"})
    task = LogisticsTask.objects.get(visit=visit)
    done = client.post(reverse("delegations:logistics-done", args=[task.pk]), {"done": "1"})
    page = html_of(client.get(url))
    task.refresh_from_db()
    done_on = task.done_on
    undone = client.post(reverse("delegations:logistics-done", args=[task.pk]), {"done": "0"})

    assert (added.status_code, done.status_code, undone.status_code) == (302, 302, 302)
    assert done_on is not None
    assert "Book hotel" in page
    assert "✓</span> Done" in page
    assert "Mark not done" in page
    task.refresh_from_db()
    assert task.done_on is None


def test_logistics_shows_an_empty_state_and_nih_reads_without_forms(client, nih_expert, ministry):
    visit = VisitFactory()
    client.force_login(nih_expert)

    empty = html_of(client.get(reverse("delegations:visit-logistics", args=[visit.pk])))
    logistics_task_add(visit=visit, actor=ministry, title="Book hotel")
    page = html_of(client.get(reverse("delegations:visit-logistics", args=[visit.pk])))
    task = LogisticsTask.objects.get()
    refused = client.post(reverse("delegations:logistics-done", args=[task.pk]), {"done": "1"})

    assert "No logistics tasks yet" in empty
    assert "Book hotel" in page
    assert "Add a task" not in page
    assert "Mark done" not in page
    assert refused.status_code == 403


def test_budget_shows_lines_by_category_and_totals_with_thousands_separators(client, ministry):
    visit = VisitFactory()
    budget_line_add(visit=visit, actor=ministry, category="airfare", description="Return tickets",
                    estimated_pkr=Decimal("1250000"), actual_pkr=Decimal("1198500.50"))  # fmt: skip
    budget_line_add(visit=visit, actor=ministry, category="accommodation",
                    estimated_pkr=Decimal("640000"))  # fmt: skip
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-budget", args=[visit.pk]))

    page = html_of(response)
    assert "1,250,000.00" in page
    assert "1,198,500.50" in page
    assert re.search(r'data-testid="total-estimated">1,890,000.00<', page)
    assert re.search(r'data-testid="total-actual">1,198,500.50<', page)
    assert page.index("Airfare") < page.index("Accommodation")  # the categories' order
    assert "1 line has no actual cost yet." in page


def test_ministry_adds_and_edits_a_budget_line(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    added = client.post(
        reverse("delegations:visit-budget", args=[visit.pk]),
        {"category": "visa", "description": "Visa fees", "estimated_pkr": "45000"},
    )
    line = BudgetLine.objects.get(visit=visit)
    edit_page = client.get(reverse("delegations:budget-line-update", args=[line.pk]))
    edited = client.post(
        reverse("delegations:budget-line-update", args=[line.pk]),
        {"category": "visa", "description": "Visa fees", "estimated_pkr": "45000",
         "actual_pkr": "43800"},
    )  # fmt: skip

    assert (added.status_code, edit_page.status_code, edited.status_code) == (302, 200, 302)
    line.refresh_from_db()
    assert line.actual_pkr == Decimal("43800")


def test_a_negative_amount_is_refused(client, ministry):
    visit = VisitFactory()
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-budget", args=[visit.pk]),
        {"category": "visa", "estimated_pkr": "-5"},
    )

    assert response.status_code == 400
    assert not BudgetLine.objects.exists()


def test_nih_expert_reads_the_budget_but_cannot_change_it(client, nih_expert, ministry):
    visit = VisitFactory()
    line = budget_line_add(visit=visit, actor=ministry, category="visa", estimated_pkr=Decimal("1"))
    client.force_login(nih_expert)

    page = client.get(reverse("delegations:visit-budget", args=[visit.pk]))
    added = client.post(
        reverse("delegations:visit-budget", args=[visit.pk]),
        {"category": "visa", "estimated_pkr": "5"},
    )
    edited = client.get(reverse("delegations:budget-line-update", args=[line.pk]))

    assert page.status_code == 200
    assert "Add a budget line" not in html_of(page)
    assert (added.status_code, edited.status_code) == (403, 403)
    assert BudgetLine.objects.count() == 1


# Tabs and breadcrumbs ---------------------------------------------------------------------------


def test_bgi_liaison_gets_only_the_overview_and_itinerary_tabs(client, bgi_liaison, ministry):
    visit = VisitFactory(shared=True)
    client.force_login(bgi_liaison)
    bgi_page = html_of(client.get(reverse("delegations:visit-detail", args=[visit.pk])))
    client.force_login(ministry)
    ministry_page = html_of(client.get(reverse("delegations:visit-detail", args=[visit.pk])))

    def tabs(page):
        nav = page.split('class="nav nav-tabs', 1)[1].split("</ul>", 1)[0]
        return re.findall(r">([^<>]+)</a>", nav)

    assert tabs(bgi_page) == ["Overview", "Itinerary"]
    assert tabs(ministry_page) == [
        "Overview", "Members & readiness", "Itinerary", "Logistics", "Budget", "Report",
    ]  # fmt: skip


def test_tab_pages_carry_breadcrumbs_to_the_visit(client, ministry):
    visit = VisitFactory(title="Delegation to Shenzhen")
    client.force_login(ministry)

    page = html_of(client.get(reverse("delegations:visit-budget", args=[visit.pk])))

    trail = page.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r">([^<>]+)</(?:a|li)>", trail) == [
        "Home", "Visits to BGI", "Delegation to Shenzhen", "Budget",
    ]  # fmt: skip


def test_editing_keeps_a_responsible_officer_who_has_since_left_the_ministry(client, ministry):
    former = UserFactory(full_name="Former Officer")  # no role any more
    visit = VisitFactory(title="Old title", responsible_officer=former)
    client.force_login(ministry)

    response = client.post(
        reverse("delegations:visit-update", args=[visit.pk]),
        visit_form(title="New title", responsible_officer=former.pk, version=visit.version),
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.responsible_officer) == ("New title", former)
