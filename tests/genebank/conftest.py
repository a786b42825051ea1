"""A small gene bank built through the services: one cohort with two consent versions (the
first without export), a signed MTA, an ethics approval and an export permit in date, and a
draft transfer whose every check holds."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from genebank import services
from genebank.models import Agreement, Approval, Cohort, ConsentVersion, Material, Transfer, Use
from tests.factories import PriorityAreaFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Bank:
    cohort: Cohort
    consent_v1: ConsentVersion
    consent_v2: ConsentVersion
    mta: Agreement
    ethics: Approval
    permit: Approval
    transfer: Transfer


def make_transfer(bank_or_none=None, **overrides) -> Transfer:
    """A draft transfer of the bank, with fields overridden."""
    bank = bank_or_none
    fields = {
        "reference": f"TR-{Transfer.objects.count() + 1}",
        "kind": Transfer.Kind.SPECIMENS,
        "cohort": bank.cohort,
        "agreement": bank.mta,
        "material": Material.DNA,
        "quantity": 100,
        "purpose_use": Use.FUTURE_RESEARCH,
        "purpose": "Panel validation",
        "destination_site": "BGI Shenzhen",
        "consent_versions": [bank.consent_v2],
        "approvals": [bank.ethics, bank.permit],
        "is_deidentified": True,
    }
    fields.update(overrides)
    return services.transfer_create(actor=None, data=services.TransferData(**fields))


@pytest.fixture
def bank(db) -> Bank:
    today = timezone.localdate()
    area = PriorityAreaFactory(name="Thalassemia", slug="thalassemia")
    cohort = services.cohort_create(
        priority_area=area, actor=None,
        data=services.CohortData(name="Thalassemia carriers", target_participants=100,
                                 target_samples=200, sample_types=[Material.DNA]),
    )  # fmt: skip
    v1 = services.consent_version_add(
        cohort=cohort, actor=None, text_en="v1", text_ur="ایک", effective_on=today,
        permitted_uses=[Use.STORAGE, Use.FUTURE_RESEARCH],
    )  # fmt: skip
    v2 = services.consent_version_add(
        cohort=cohort, actor=None, text_en="v2", text_ur="دو", effective_on=today,
        permitted_uses=[Use.STORAGE, Use.FUTURE_RESEARCH, Use.EXPORT],
    )  # fmt: skip
    mta = services.agreement_create(actor=None, data=services.AgreementData(
        kind=Agreement.Kind.MTA, reference="MTA-1", title="MTA", parties="NIH; BGI",
        scope="DNA", materials=[Material.DNA], permitted_uses=[Use.FUTURE_RESEARCH],
        end_of_use=Agreement.EndOfUse.DESTROY, max_quantity=1000,
        valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=300),
    ))  # fmt: skip
    mta = services.agreement_signed_copy_upload(
        agreement=mta, actor=None, upload=SimpleUploadedFile("mta.pdf", PDF)
    )
    ethics = services.approval_create(
        actor=None, kind=Approval.Kind.ETHICS, authority="NBC", reference="NBC-1",
        cohorts=[cohort], valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=200),
    )  # fmt: skip
    permit = services.approval_create(
        actor=None, kind=Approval.Kind.EXPORT_PERMIT, authority="DRAP", reference="DRAP-1",
        cohorts=[cohort], valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=60),
    )  # fmt: skip
    b = Bank(cohort, v1, v2, mta, ethics, permit, None)  # type: ignore[arg-type]
    b.transfer = make_transfer(b, reference="TR-READY")
    return b
