"""The demo delegation visit, built through services (idempotent): BGI's invitation received,
a delegation led by the NIH Executive Director with the technical team and a ministry officer,
four days at BGI's Shenzhen sites, part of the checklist done."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from collaboration.models import Capability, PriorityArea, Programme, Recommendation

from . import services
from .models import BudgetLine, DelegationMember, ItineraryItem, Visit
from .services import ItineraryData, MemberData, VisitData

if TYPE_CHECKING:
    from portal.models import User

TITLE = "Pakistani delegation to BGI Group, Shenzhen"
SHENZHEN = "Asia/Shanghai"
KARACHI = "Asia/Karachi"

SITES = [
    ("BGI Group headquarters", "Shenzhen", SHENZHEN, "BGI Center, Yantian District, Shenzhen",
     "BGI's headquarters and sequencing operations.",
     ["DNBSEQ sequencing platforms", "Whole-genome sequencing", "Bioinformatics and data analysis", "Training fellowships"]),
    ("China National GeneBank", "Shenzhen", SHENZHEN, "Dapeng New District, Shenzhen",
     "China's national gene bank, operated by BGI: biobanking, data and living resources.",
     ["Biobanking at the China National GeneBank", "Bioinformatics and data analysis"]),
    ("BGI Genomics clinical laboratories", "Shenzhen", SHENZHEN, "Yantian District, Shenzhen",
     "Clinical testing: prenatal, newborn, carrier and hereditary cancer testing.",
     ["Non-invasive prenatal testing (NIPT)", "Thalassemia carrier screening", "Newborn genetic screening",
      "Hereditary cancer panels", "Exome sequencing for rare disease"]),
    ("Islamabad International Airport", "Islamabad", KARACHI, "Islamabad, Pakistan",
     "Departure and return of the delegation.", []),
]  # fmt: skip

# day offset from departure, start, end (local), zone, site, kind, title, counterparts, who
ITINERARY = [
    (0, "20:30", "23:59", KARACHI, "Islamabad International Airport", "travel",
     "Departure from Islamabad (overnight flight via Guangzhou)", "", "all"),
    (1, "14:00", "16:00", SHENZHEN, "BGI Group headquarters", "meeting",
     "Welcome meeting and overview of BGI's capabilities", "BGI international cooperation office", "all"),
    (2, "09:00", "12:00", SHENZHEN, "BGI Group headquarters", "lab_tour",
     "Sequencing platforms and bioinformatics centre", "BGI sequencing operations", "all"),
    (2, "14:00", "16:30", SHENZHEN, "BGI Genomics clinical laboratories", "presentation",
     "Thalassemia carrier screening and non-invasive prenatal testing programmes", "BGI Genomics reproductive health team", "nih"),
    (2, "14:00", "15:30", SHENZHEN, "BGI Group headquarters", "meeting",
     "Protocol and logistics meeting", "BGI international cooperation office", "ministry"),
    (3, "09:30", "12:30", SHENZHEN, "China National GeneBank", "lab_tour",
     "Tour of the China National GeneBank", "China National GeneBank management", "all"),
    (3, "14:00", "16:00", SHENZHEN, "China National GeneBank", "meeting",
     "Gene bank governance, consent and data protection", "China National GeneBank management", "all"),
    (4, "09:00", "11:30", SHENZHEN, "BGI Genomics clinical laboratories", "presentation",
     "Rare-disease exome sequencing and hereditary cancer panels", "BGI Genomics clinical teams", "nih"),
    (4, "14:00", "16:30", SHENZHEN, "BGI Group headquarters", "meeting",
     "Discussion of the MoU framework and next steps", "BGI leadership", "all"),
    (5, "10:00", "16:30", SHENZHEN, "BGI Group headquarters", "travel",
     "Return to Islamabad", "", "all"),
]  # fmt: skip

DEPARTURE = dt.date(2027, 1, 10)
RETURN = dt.date(2027, 1, 15)


def _invitation_pdf() -> SimpleUploadedFile:
    """A short invitation letter rendered to PDF (the demo's stand-in for BGI's scanned letter)."""
    from weasyprint import HTML

    html = (
        "<h1>BGI Group</h1><p>Shenzhen, 20 November 2026</p>"
        "<p>To the Ministry of National Health Services, Regulations &amp; Coordination, Islamabad</p>"
        "<p>BGI Group has the honour to invite a delegation of the Ministry and the National "
        "Institutes of Health to visit BGI's research facilities in Shenzhen, to explore cooperation "
        "in thalassemia, reproductive health, cancer research and rare diseases.</p>"
        "<p>(Demo document.)</p>"
    )
    return SimpleUploadedFile(
        "bgi-invitation.pdf", HTML(string=html).write_pdf(), "application/pdf"
    )


def seed_delegation(*, programme: Programme, users: dict[str, User]) -> Visit:
    existing = Visit.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    capabilities = {c.name: c for c in Capability.objects.all()}
    sites = {}
    for name, city, zone, address, description, caps in SITES:
        sites[name] = services.site_ensure(
            name=name, city=city, timezone_name=zone, address=address, description=description,
            country="Pakistan" if zone == KARACHI else "China",
            organisation="" if zone == KARACHI else "BGI Group",
            capabilities=[capabilities[c] for c in caps if c in capabilities], actor=None,
        )  # fmt: skip
    ministry = users["ministry"]
    visit = services.visit_create(
        programme=programme, actor=ministry,
        data=VisitData(
            title=TITLE, starts_on=DEPARTURE, ends_on=RETURN, destination="Shenzhen, China",
            purpose=("Explore BGI's pioneering work in thalassemia, reproductive health, cancer research "
                     "and rare diseases, and prepare the Memorandum of Understanding."),
            responsible_officer=ministry,
            internal_notes="Protocol: the Ministry of Foreign Affairs to be informed of the dates.",
            official_reference="F.No. 3-2/2026-IHR (Visits)",
        ),
    )  # fmt: skip
    visit = services.visit_record_invitation(
        visit=visit, actor=ministry, letter=_invitation_pdf(), received_on=dt.date(2026, 11, 20),
        reference="BGI/IC/2026/118",
    )  # fmt: skip
    members = _seed_members(visit, users)
    _seed_objectives(visit)
    _seed_itinerary(visit, sites, members)
    _seed_logistics(visit, users)
    services.visit_share_with_bgi(visit=visit, actor=ministry, shared=True)
    return visit


def _seed_members(visit: Visit, users: dict[str, User]) -> dict[str, DelegationMember]:
    passport_ok = dt.date(2029, 3, 1)
    rows = {
        "head": MemberData(name="Executive Director, National Institutes of Health",
                           organisation="National Institutes of Health", title="Executive Director",
                           role=DelegationMember.Role.HEAD, passport_expires_on=passport_ok,
                           visa_applied_on=dt.date(2026, 11, 25), travel_approval_on=dt.date(2026, 11, 24)),
        "nih_lead": MemberData(user=users["nih_lead"], passport_expires_on=passport_ok,
                               visa_applied_on=dt.date(2026, 11, 25), travel_approval_on=dt.date(2026, 11, 24)),
        "nih_expert": MemberData(user=users["nih_expert"], passport_expires_on=dt.date(2028, 8, 1),
                                 visa_applied_on=dt.date(2026, 11, 26)),
        # Five months after return: the readiness check flags it.
        "nih_expert2": MemberData(user=users["nih_expert2"], passport_expires_on=dt.date(2027, 6, 15)),
        "ministry": MemberData(user=users["ministry"], role=DelegationMember.Role.SECRETARY,
                               passport_expires_on=passport_ok, visa_applied_on=dt.date(2026, 11, 25),
                               visa_issued_on=dt.date(2026, 11, 27), travel_approval_on=dt.date(2026, 11, 24),
                               insurance_on=dt.date(2026, 11, 27)),
    }  # fmt: skip
    return {
        key: services.member_add(visit=visit, actor=None, data=data) for key, data in rows.items()
    }


def _seed_objectives(visit: Visit) -> None:
    areas = {a.slug: a for a in PriorityArea.objects.all()}
    recommendations = {r.title: r for r in Recommendation.objects.all()}
    rows = [
        ("thalassemia", "National thalassemia carrier screening with BGI",
         "See how BGI organises carrier screening and counselling at scale; agree a model for ten districts."),
        ("reproductive-health", "Pilot of non-invasive prenatal testing in tertiary hospitals",
         "Assess NIPT workflow, turnaround and cost for a three-hospital pilot."),
        ("national-gene-bank", "Governance and biobanking pilot for a national gene bank",
         "Learn the China National GeneBank's governance, consent and data-protection model."),
        ("rare-diseases", None, "Agree referral and turnaround for exome sequencing of children with suspected rare disease."),
    ]  # fmt: skip
    for slug, title, text in rows:
        if slug in areas:
            services.objective_add(
                visit=visit, actor=None, priority_area=areas[slug], text=text,
                recommendation=recommendations.get(title) if title else None,
            )  # fmt: skip


def _seed_itinerary(visit: Visit, sites: dict, members: dict[str, DelegationMember]) -> None:
    everyone = list(members.values())
    groups = {"all": everyone, "nih": [members[k] for k in ("head", "nih_lead", "nih_expert", "nih_expert2")],
              "ministry": [members["ministry"]]}  # fmt: skip
    for offset, start, end, zone, site, kind, title, counterparts, who in ITINERARY:
        day = DEPARTURE + dt.timedelta(days=offset)
        starts = dt.datetime.combine(day, dt.time.fromisoformat(start))
        ends = dt.datetime.combine(day, dt.time.fromisoformat(end))
        if title == "Return to Islamabad":
            # Departs in Shenzhen's time, lands in Islamabad's: keep the item in Shenzhen time.
            ends = dt.datetime.combine(day, dt.time(19, 30))
        services.itinerary_item_add(
            visit=visit, actor=None,
            data=ItineraryData(title=title, starts=starts, ends=ends, timezone_name=zone,
                               site=sites[site], kind=kind, counterparts=counterparts,
                               attendees=groups[who]),
        )  # fmt: skip
    assert ItineraryItem.objects.filter(visit=visit).count() == len(ITINERARY)  # noqa: S101
    _ = zoneinfo  # zones are named by string above


def _seed_logistics(visit: Visit, users: dict[str, User]) -> None:
    ministry = users["ministry"]
    tasks = [
        ("Request visa support letters from BGI", dt.date(2026, 11, 22), True),
        ("Obtain government travel approval (NOC)", dt.date(2026, 12, 5), False),
        ("Book flights Islamabad–Shenzhen", dt.date(2026, 12, 10), False),
        ("Confirm hotel near BGI headquarters", dt.date(2026, 12, 15), False),
        ("Prepare the briefing pack", dt.date(2027, 1, 5), False),
    ]
    for title, due, done in tasks:
        task = services.logistics_task_add(
            visit=visit, actor=None, title=title, owner=ministry, due_on=due
        )
        if done:
            services.logistics_task_set_done(
                task=task, actor=None, done=True, done_on=dt.date(2026, 11, 21)
            )
    lines = [
        (BudgetLine.Category.AIRFARE, "Five return tickets", "1450000", None),
        (BudgetLine.Category.ACCOMMODATION, "Five rooms, five nights", "560000", None),
        (BudgetLine.Category.PER_DIEM, "Daily allowance at government rates", "420000", None),
        (BudgetLine.Category.VISA, "Official visas", "60000", "58500"),
        (BudgetLine.Category.INSURANCE, "Travel insurance", "45000", None),
    ]
    for category, description, estimated, actual in lines:
        services.budget_line_add(
            visit=visit, actor=None, category=category, description=description,
            estimated_pkr=Decimal(estimated), actual_pkr=Decimal(actual) if actual else None,
        )  # fmt: skip
