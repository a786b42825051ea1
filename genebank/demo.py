"""The demo gene bank, from the programme's facts: a thalassemia carrier screening cohort, a
rare-disease exome cohort and a national gene bank pilot, their consent, an MTA and a data
transfer agreement with BGI, approvals, and transfers at several stages. Built through the
services, so the demo is a standing test of the workflow; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from collaboration.models import Indicator, PriorityArea
from mou.models import Clause

from . import services
from .models import Agreement, Approval, Cohort, Material, Transfer, Use

if TYPE_CHECKING:
    from collaboration.models import Programme
    from portal.models import User

U = Use
CONSENT_EN = (
    "I agree that my {sample} sample is stored in the national gene bank, coded so that I "
    "cannot be identified, and used for research on {topic}. {export}"
)
CONSENT_UR = (
    "میں اتفاق کرتا/کرتی ہوں کہ میرا نمونہ قومی جین بینک میں کوڈ کے ساتھ محفوظ کیا جائے "
    "تاکہ میری شناخت نہ ہو سکے، اور اسے تحقیق کے لیے استعمال کیا جائے۔ {export}"
)
EXPORT_EN = "My coded sample or data may be analysed at BGI's laboratories in China."
EXPORT_UR = "میرا کوڈ شدہ نمونہ یا ڈیٹا چین میں بی جی آئی کی لیبارٹریوں میں جانچا جا سکتا ہے۔"

# name, area slug, participants, samples, types, sites, enrolled, collected, topic, versions
# (each version: permitted uses, with export text)
COHORTS = [
    ("Thalassemia carrier screening cohort", "thalassemia", 20000, 20000,
     [Material.BLOOD, Material.DNA], "Lahore, Karachi, Peshawar", 5400, 5100,
     "thalassemia carrier status",
     [[U.STORAGE, U.FUTURE_RESEARCH, U.RETURN_OF_RESULTS],
      [U.STORAGE, U.FUTURE_RESEARCH, U.RETURN_OF_RESULTS, U.EXPORT, U.RECONTACT]]),
    ("Rare-disease exome cohort", "rare-diseases", 1500, 4500,
     [Material.DNA, Material.GENOMIC_DATA], "Children's Hospital Lahore, PIMS Islamabad",
     420, 1180, "rare genetic diseases in children",
     [[U.STORAGE, U.FUTURE_RESEARCH, U.EXPORT, U.RETURN_OF_RESULTS, U.RECONTACT]]),
    ("National gene bank pilot", "national-gene-bank", 5000, 10000,
     [Material.BLOOD, Material.SALIVA, Material.TISSUE, Material.DNA], "NIH Islamabad",
     900, 1800, "future public-health research",
     [[U.STORAGE, U.FUTURE_RESEARCH]]),
]  # fmt: skip

_PDF = b"%PDF-1.4\n% demo signed agreement\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def seed_genebank(*, programme: Programme, users: dict[str, User]) -> None:
    """The demo gene bank plan, register and transfers (nothing if already there)."""
    if Cohort.objects.exists():
        return
    ministry, approver, liaison = users["ministry"], users["approver"], users["bgi_liaison"]
    today = timezone.localdate()
    plan = services.plan_ensure(
        programme=programme, actor=ministry, custodian="National Institutes of Health (NIH)",
        access_committee="Gene Bank Data Access Committee (NIH, MoNHSR&C)", retention_years=25,
        deidentification_standard="Coded at collection; key held by NIH only (ISO/TS 25237)",
        storage_positions=50000, sequencing_in_country_per_year=3000,
        sequencing_at_bgi_per_year=20000,
    )  # fmt: skip
    areas = {a.slug: a for a in PriorityArea.objects.all()}
    cohorts: dict[str, Cohort] = {}
    for (name, slug, people, samples, types, sites, enrolled, collected, topic,
         versions) in COHORTS:  # fmt: skip
        area = areas[slug]
        cohort = services.cohort_create(
            priority_area=area, actor=ministry,
            data=services.CohortData(
                name=name, target_participants=people, target_samples=samples,
                sample_types=list(types), collection_sites=sites,
                starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2028, 6, 30),
                indicators=list(Indicator.objects.filter(objective__priority_area=area)),
            ),
        )  # fmt: skip
        services.cohort_progress_record(
            cohort=cohort, actor=ministry, expected_version=cohort.version,
            enrolled_participants=enrolled, collected_samples=collected,
        )  # fmt: skip
        for uses in versions:
            exports = U.EXPORT in uses
            services.consent_version_add(
                cohort=cohort, actor=ministry,
                text_en=CONSENT_EN.format(sample=types[0].label.lower(), topic=topic,
                                          export=EXPORT_EN if exports else ""),
                text_ur=CONSENT_UR.format(export=EXPORT_UR if exports else ""),
                permitted_uses=list(uses), effective_on=dt.date(2026, 7, 1),
            )  # fmt: skip
        cohorts[slug] = cohort
    for title, days in (("Gene bank governance charter approved", 30),
                        ("Biobank pilot freezers commissioned", 75),
                        ("First data access committee meeting", -10)):  # fmt: skip
        services.milestone_add(plan=plan, actor=ministry, title=title,
                               due_on=today + dt.timedelta(days=days), owner=ministry)  # fmt: skip
    clause = Clause.objects.filter(heading_en="Genetic data and samples").first()
    mta = services.agreement_create(actor=ministry, data=services.AgreementData(
        kind=Agreement.Kind.MTA, reference="MTA-NIH-BGI-2026-01",
        title="Material transfer: thalassemia and rare-disease DNA",
        parties="National Institutes of Health, Islamabad; BGI Group, Shenzhen",
        scope="Coded DNA and blood samples for carrier-screening validation and exome sequencing.",
        materials=[Material.DNA, Material.BLOOD], permitted_uses=[U.FUTURE_RESEARCH],
        end_of_use=Agreement.EndOfUse.DESTROY, max_quantity=6000,
        valid_from=dt.date(2026, 7, 1), valid_to=today + dt.timedelta(days=400), mou_clause=clause,
    ))  # fmt: skip
    services.agreement_signed_copy_upload(
        agreement=mta, actor=ministry, upload=ContentFile(_PDF, name="mta-signed.pdf")
    )
    services.agreement_create(actor=ministry, data=services.AgreementData(
        kind=Agreement.Kind.DTA, reference="DTA-NIH-BGI-2026-02",
        title="Data transfer and processing: rare-disease exome data",
        parties="National Institutes of Health, Islamabad; BGI Group, Shenzhen",
        scope="Coded exome sequence data for joint variant interpretation.",
        materials=[Material.GENOMIC_DATA], permitted_uses=[U.FUTURE_RESEARCH, U.RETURN_OF_RESULTS],
        end_of_use=Agreement.EndOfUse.RETURN, max_quantity=1500,
        valid_from=dt.date(2026, 7, 1), valid_to=today + dt.timedelta(days=60), mou_clause=clause,
    ))  # fmt: skip
    both = [cohorts["thalassemia"], cohorts["rare-diseases"]]
    ethics = services.approval_create(
        actor=ministry, kind=Approval.Kind.ETHICS, authority="National Bioethics Committee Pakistan",
        reference="NBC-2026-114", cohorts=both, valid_from=dt.date(2026, 6, 1),
        valid_to=today + dt.timedelta(days=300), owner=ministry,
    )  # fmt: skip
    permit = services.approval_create(
        actor=ministry, kind=Approval.Kind.EXPORT_PERMIT, authority="Drug Regulatory Authority of Pakistan",
        reference="DRAP-EXP-2026-031", cohorts=both, valid_from=dt.date(2026, 7, 1),
        valid_to=today + dt.timedelta(days=45), owner=ministry,
    )  # fmt: skip
    thal = cohorts["thalassemia"]
    consent_v2 = thal.consent_versions.get(number=2)

    def draft(reference: str, quantity: int, purpose: str) -> Transfer:
        return services.transfer_create(actor=ministry, data=services.TransferData(
            reference=reference, kind=Transfer.Kind.SPECIMENS, cohort=thal, agreement=mta,
            material=Material.DNA, quantity=quantity, purpose_use=U.FUTURE_RESEARCH,
            purpose=purpose, destination_site="BGI Shenzhen",
            consent_versions=[consent_v2], approvals=[ethics, permit], is_deidentified=True,
        ))  # fmt: skip

    received = draft("TR-2026-001", 1200, "Validation of the carrier-screening panel")
    for name, actor in (("run_checks", ministry), ("approve", approver), ("dispatch", ministry),
                        ("confirm_receipt", liaison)):  # fmt: skip
        received = services.transfer_transition(transfer=received, name=name, actor=actor)
    approved = draft("TR-2026-002", 800, "Second batch for the carrier-screening panel")
    for name, actor in (("run_checks", ministry), ("approve", approver)):
        approved = services.transfer_transition(transfer=approved, name=name, actor=actor)
    # A draft that relies on consent version 1, which does not permit export: its checks fail.
    services.transfer_create(actor=ministry, data=services.TransferData(
        reference="TR-2026-003", kind=Transfer.Kind.SPECIMENS, cohort=thal, agreement=mta,
        material=Material.DNA, quantity=500, purpose_use=U.FUTURE_RESEARCH,
        purpose="Early samples collected under consent version 1", destination_site="BGI Shenzhen",
        consent_versions=[thal.consent_versions.get(number=1)], approvals=[ethics, permit],
        is_deidentified=True,
    ))  # fmt: skip
