import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from genebank import services
from genebank.models import Material, Transfer, Use
from genebank.reminders import expiring_approvals
from portal.reminders import registry
from tests.genebank.conftest import make_transfer

pytestmark = pytest.mark.django_db


def _approved(bank, ministry, approver):
    t = services.transfer_transition(transfer=bank.transfer, name="run_checks", actor=ministry)
    return services.transfer_transition(transfer=t, name="approve", actor=approver)


# BGI's liaison --------------------------------------------------------------------------------


def test_bgi_liaison_gets_404_for_a_draft_and_a_transfer_not_addressed_to_bgi(
    bank, bgi_liaison, ministry, approver, api_as, client
):
    other = make_transfer(bank, is_addressed_to_bgi=False, destination_site="Lab elsewhere")
    for name in ("run_checks",):
        other = services.transfer_transition(transfer=other, name=name, actor=ministry)
    other = services.transfer_transition(transfer=other, name="approve", actor=approver)
    api = api_as(bgi_liaison)
    client.force_login(bgi_liaison)

    for transfer in (bank.transfer, other):
        assert api.get(reverse("api:transfer-detail", args=[transfer.pk])).status_code == 404
        assert (
            client.get(reverse("genebank:transfer-detail", args=[transfer.pk])).status_code == 404
        )
    assert api.get(reverse("api:transfer-list")).json()["results"] == []


def test_bgi_liaison_sees_an_approved_transfer_without_participant_level_data(
    bank, bgi_liaison, ministry, approver, api_as, client
):
    approved = _approved(bank, ministry, approver)

    body = api_as(bgi_liaison).get(reverse("api:transfer-detail", args=[approved.pk])).json()
    client.force_login(bgi_liaison)
    page = client.get(reverse("genebank:transfer-detail", args=[approved.pk])).content.decode()

    assert body["reference"] == "TR-READY"
    assert not {"cohort", "consent_versions", "approvals", "internal_notes"} & set(body)
    assert "Thalassemia carriers" not in page
    assert "Checks" not in page
    checks = api_as(bgi_liaison).get(reverse("api:transfer-checks", args=[approved.pk]))
    assert checks.status_code == 404


def test_bgi_liaison_confirms_receipt_through_the_api(
    bank, bgi_liaison, ministry, approver, api_as
):
    approved = _approved(bank, ministry, approver)
    dispatched = services.transfer_transition(transfer=approved, name="dispatch", actor=ministry)

    response = api_as(bgi_liaison).post(
        reverse("api:transfer-transitions", args=[dispatched.pk]),
        {"transition": "confirm_receipt"},
        HTTP_IF_MATCH=f'"{dispatched.version}"',
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "received"


# The API --------------------------------------------------------------------------------------


def _payload(bank, **extra):
    return {
        "reference": "TR-API", "kind": "specimens", "cohort": bank.cohort.pk,
        "consent_versions": [bank.consent_v2.pk], "agreement": bank.mta.pk,
        "approvals": [bank.ethics.pk, bank.permit.pk], "material": Material.DNA, "quantity": 10,
        "purpose_use": Use.FUTURE_RESEARCH, "purpose": "Validation",
        "destination_site": "BGI Shenzhen", "is_deidentified": True, **extra,
    }  # fmt: skip


def test_ministry_drafts_a_transfer_through_the_api(bank, ministry, api_as):
    response = api_as(ministry).post(reverse("api:transfer-list"), _payload(bank), format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert Transfer.objects.get(reference="TR-API").created_by == ministry


def test_nih_expert_cannot_draft_a_transfer(bank, nih_expert, api_as):
    response = api_as(nih_expert).post(reverse("api:transfer-list"), _payload(bank), format="json")

    assert response.status_code == 403
    assert not Transfer.objects.filter(reference="TR-API").exists()


def test_api_refuses_run_checks_with_409_naming_the_failed_check(bank, ministry, api_as):
    transfer = make_transfer(bank, consent_versions=[bank.consent_v1])

    response = api_as(ministry).post(
        reverse("api:transfer-transitions", args=[transfer.pk]),
        {"transition": "run_checks"},
        HTTP_IF_MATCH='"1"',
        format="json",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transfer_checks_failed"
    assert "Consent permits export" in error["message"]
    transfer.refresh_from_db()
    assert transfer.status == "draft"


def test_api_client_reads_checks_and_the_register(bank, api_client, api_as):
    api = api_as(api_client)

    checks = api.get(reverse("api:transfer-checks", args=[bank.transfer.pk])).json()
    cohorts = api.get(reverse("api:cohort-list")).json()["results"]

    assert all(check["ok"] for check in checks)
    assert cohorts[0]["consent_versions"][1]["permitted_uses"] == [
        "storage",
        "future_research",
        "export",
    ]
    assert (
        "internal_notes"
        not in api.get(reverse("api:transfer-detail", args=[bank.transfer.pk])).json()
    )


def test_transfer_list_runs_a_fixed_number_of_queries(
    bank, ministry, api_as, django_assert_max_num_queries
):
    for n in range(5):
        make_transfer(bank, reference=f"TR-MANY-{n}")
    api = api_as(ministry)

    with django_assert_max_num_queries(12):
        response = api.get(reverse("api:transfer-list"))

    assert response.json()["count"] == 6


# Pages, export, status, reminders --------------------------------------------------------------


def test_transfer_page_shows_the_checks_and_the_trace_to_ministry_staff(bank, ministry, client):
    client.force_login(ministry)

    page = client.get(reverse("genebank:transfer-detail", args=[bank.transfer.pk])).content.decode()

    assert "Consent permits export" in page
    assert "Thalassemia carriers" in page
    assert "MTA-1" in page


def test_dispatch_refused_on_the_page_names_the_failed_check(bank, ministry, client):
    transfer = make_transfer(bank, is_deidentified=False)
    client.force_login(ministry)

    response = client.post(
        reverse("genebank:transfer-transition", args=[transfer.pk]),
        {"transition": "run_checks", "version": transfer.version},
    )

    assert response.status_code == 409
    assert "De-identification attested" in response.content.decode()


def test_ministry_drafts_a_transfer_on_the_page(bank, ministry, client):
    client.force_login(ministry)
    data = _payload(bank, reference="TR-PAGE", is_addressed_to_bgi="on", is_deidentified="on")

    response = client.post(reverse("genebank:transfer-create"), data)

    assert response.status_code == 302
    assert Transfer.objects.get(reference="TR-PAGE").status == "draft"


def test_the_register_export_lists_every_transfer_with_what_it_relies_on(bank, ministry, client):
    client.force_login(ministry)

    response = client.get(reverse("genebank:transfer-export"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "TR-READY"
    assert "MTA-1" in rows[1]
    assert bank.mta.signed_copy_sha256 in rows[1]


def test_status_api_has_the_gene_bank_section(bank, api_client, api_as):
    body = api_as(api_client).get(reverse("api:status")).json()["genebank"]

    assert body["cohorts"][0]["name"] == "Thalassemia carriers"
    assert body["transfers_by_state"]["draft"] == 1
    assert [a["reference"] for a in body["approvals_expiring"]] == ["DRAP-1"]


def test_an_expiring_approval_feeds_the_reminders(bank, ministry):
    approval = bank.permit
    approval.owner = ministry
    approval.save(update_fields=["owner"])
    kind = registry.get("genebank_approval_expiring")

    items = list(expiring_approvals(approval.valid_to))

    assert kind is not None
    assert [i.object_key for i in items] == [f"genebank.approval:{approval.pk}"]
    assert items[0].recipients == [ministry]
    assert items[0].due_on == approval.valid_to
    assert list(expiring_approvals(timezone.localdate())) == []


def test_the_signed_copy_cannot_be_replaced(bank, ministry, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ministry)
    sha = bank.mta.signed_copy_sha256

    response = client.post(
        reverse("genebank:agreement-signed-copy-upload", args=[bank.mta.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 other")},
    )

    assert response.status_code == 409
    bank.mta.refresh_from_db()
    assert bank.mta.signed_copy_sha256 == sha


# The register's writes ---------------------------------------------------------------------------


def test_ministry_enters_an_approval_through_the_api_and_becomes_its_owner(bank, ministry, api_as):
    response = api_as(ministry).post(
        reverse("api:approval-list"),
        {"kind": "ethics", "authority": "IRB", "reference": "IRB-9", "cohorts": [bank.cohort.pk],
         "valid_from": "2026-01-01", "valid_to": "2027-01-01"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201
    from genebank.models import Approval

    assert Approval.objects.get(reference="IRB-9").owner == ministry


def test_an_approval_ending_before_it_starts_is_refused_and_nothing_is_saved(
    bank, ministry, api_as
):
    response = api_as(ministry).post(
        reverse("api:approval-list"),
        {"kind": "ethics", "authority": "IRB", "reference": "IRB-10", "cohorts": [bank.cohort.pk],
         "valid_from": "2027-01-01", "valid_to": "2026-01-01"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    from genebank.models import Approval

    assert not Approval.objects.filter(reference="IRB-10").exists()


def test_nih_lead_cannot_enter_an_agreement(bank, nih_lead, api_as):
    response = api_as(nih_lead).post(reverse("api:agreement-list"), {}, format="json")

    assert response.status_code == 403


def test_cohort_progress_needs_the_version_it_was_based_on(bank, ministry, api_as):
    url = reverse("api:cohort-progress", args=[bank.cohort.pk])
    api = api_as(ministry)
    body = {"enrolled_participants": 10, "collected_samples": 20}

    stale = api.post(url, body, format="json", HTTP_IF_MATCH='"99"')
    done = api.post(url, body, format="json", HTTP_IF_MATCH=f'"{bank.cohort.version}"')

    assert stale.status_code == 412
    assert done.status_code == 200
    assert done.json()["progress_percent"] == 10


def test_ministry_adds_a_consent_version_on_the_page(bank, ministry, client):
    client.force_login(ministry)

    response = client.post(
        reverse("genebank:consent-version-create", args=[bank.cohort.pk]),
        {"text_en": "v3", "text_ur": "تین", "permitted_uses": ["storage", "export"],
         "effective_on": "2026-12-01"},
    )  # fmt: skip

    assert response.status_code == 302
    assert bank.cohort.consent_versions.get(number=3).permitted_uses == ["storage", "export"]


def test_the_status_section_costs_a_fixed_number_of_queries_whatever_the_data(
    bank, ministry, django_assert_max_num_queries
):
    from genebank.selectors import genebank_status

    for n in range(5):
        make_transfer(bank, reference=f"TR-STATUS-{n}")

    # The viewer's roles (read once per request), then cohorts, transfer counts, approvals.
    with django_assert_max_num_queries(4):
        status = genebank_status(viewer=ministry, today=timezone.localdate())

    assert {row.state: row.count for row in status.transfers_by_state}["draft"] == 6


def test_bgi_liaison_has_no_gene_bank_status(bank, bgi_liaison):
    from genebank.selectors import genebank_status

    status = genebank_status(viewer=bgi_liaison, today=timezone.localdate())

    assert status.cohorts == ()
    assert status.approvals_expiring == ()


def test_a_gene_bank_change_moves_the_status_etag(
    api_as, ministry, bank, django_capture_on_commit_callbacks
):
    client = api_as(ministry)
    url = reverse("api:status")
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        make_transfer(bank)

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
