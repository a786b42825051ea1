"""The demo programme of the collaboration app, built through services (idempotent).

Facts come from the news report that started the programme: the Minister of State for Health
chaired a meeting with the NIH Executive Director that set out cooperation with BGI Group in
genetic testing, rare-disease research and advanced diagnostics; four priority areas and a
proposed national gene bank; NIH to spearhead a cooperation framework; a technical team of two
to three NIH experts; a delegation to BGI in China; an MoU to follow.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from . import services
from .models import (
    ActionItem,
    Capability,
    Meeting,
    PriorityArea,
    Programme,
    Recommendation,
    TeamMembership,
)
from .services import ActionItemData, MeetingData, RecommendationData

if TYPE_CHECKING:
    from portal.models import User

PROGRAMME_NAME = "Pakistan–BGI genomics cooperation"
KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")

FRAMEWORK = """\
The Ministry of National Health Services, Regulations & Coordination has set out a roadmap for
strategic collaboration with **BGI Group** in genetic testing, rare-disease research and advanced
diagnostics. The **National Institutes of Health (NIH)** spearheads a comprehensive international
cooperation framework:

1. A technical team of two to three NIH experts outlines Pakistan's strategic genetic-health
   priorities and writes detailed recommendations on using BGI's capabilities.
2. A Pakistani delegation visits BGI's research facilities in China on BGI's formal invitation.
3. The cooperation is formalised in a Memorandum of Understanding between the Government of
   Pakistan and BGI Group.
"""

# name, slug, summary, objective, (indicator name, unit, baseline, target, direction, q2, q3)
AREAS = [
    ("Thalassemia", "thalassemia",
     "Prevent thalassemia major births through carrier screening, counselling and prenatal diagnosis.",
     "Screen couples for thalassemia carrier status before marriage in high-prevalence districts",
     ("Couples screened for carrier status", "couples per quarter", "1200", "20000", "increase", "2600", "5400")),
    ("Reproductive health", "reproductive-health",
     "Safer pregnancies through non-invasive prenatal testing and newborn genetic screening.",
     "Offer non-invasive prenatal testing at tertiary hospitals",
     ("Tertiary hospitals offering NIPT", "hospitals", "0", "12", "increase", "1", "3")),
    ("Cancer research", "cancer-research",
     "Hereditary cancer risk assessment and genomic profiling for breast and colorectal cancer.",
     "Build hereditary cancer testing into cancer registries",
     ("Patients tested with hereditary cancer panels", "patients", "150", "3000", "increase", "320", "610")),
    ("Rare diseases", "rare-diseases",
     "Faster diagnosis of rare genetic diseases in children through exome and genome sequencing.",
     "Shorten the diagnostic odyssey of children with suspected rare disease",
     ("Median time to genetic diagnosis", "months", "36", "6", "decrease", "30", "24")),
    ("National gene bank", "national-gene-bank",
     "A proposed national gene bank to secure Pakistan's genetic data and samples for future generations.",
     "Establish governance and a biobanking pilot for the national gene bank",
     ("Samples stored under the gene bank's consent framework", "samples", "0", "50000", "increase", "0", "1800")),
    ("Genetic testing and diagnostics", "genetic-testing-and-diagnostics",
     "National capacity in sequencing, bioinformatics and accredited genetic testing.",
     "Accredit public genetic testing laboratories",
     ("Accredited public genetic testing laboratories", "laboratories", "2", "10", "increase", "2", "3")),
]  # fmt: skip

CAPABILITIES = [
    ("Non-invasive prenatal testing (NIPT)", Capability.Category.SCREENING,
     "Cell-free DNA screening for common fetal aneuploidies from maternal blood.", ["reproductive-health"]),
    ("Thalassemia carrier screening", Capability.Category.SCREENING,
     "Genetic carrier screening for alpha and beta thalassemia, with counselling support.", ["thalassemia", "reproductive-health"]),
    ("Newborn genetic screening", Capability.Category.SCREENING,
     "Genetic screening of newborns for treatable inherited disorders.", ["reproductive-health", "rare-diseases"]),
    ("Hereditary cancer panels", Capability.Category.DIAGNOSTICS,
     "Multi-gene panels (BRCA1/2, Lynch syndrome genes and others) for hereditary cancer risk.", ["cancer-research"]),
    ("Exome sequencing for rare disease", Capability.Category.DIAGNOSTICS,
     "Clinical whole-exome sequencing and interpretation for suspected rare genetic disease.", ["rare-diseases"]),
    ("Whole-genome sequencing", Capability.Category.SEQUENCING,
     "Clinical and research whole-genome sequencing at population scale.", ["rare-diseases", "cancer-research", "genetic-testing-and-diagnostics"]),
    ("DNBSEQ sequencing platforms", Capability.Category.SEQUENCING,
     "BGI's DNA nanoball sequencing instruments and reagents for national laboratories.", ["genetic-testing-and-diagnostics"]),
    ("Biobanking at the China National GeneBank", Capability.Category.BIOBANKING,
     "Sample and data storage, governance and operations experience of the China National GeneBank in Shenzhen.", ["national-gene-bank"]),
    ("Bioinformatics and data analysis", Capability.Category.BIOINFORMATICS,
     "Pipelines, variant interpretation and secure genomic data platforms.", ["genetic-testing-and-diagnostics", "national-gene-bank"]),
    ("Training fellowships", Capability.Category.TRAINING,
     "Fellowships for Pakistani scientists and technologists at BGI's facilities.", ["genetic-testing-and-diagnostics", "thalassemia", "rare-diseases"]),
]  # fmt: skip

# (title, area slugs, capability names, target state, edits, summary, body)
RECOMMENDATIONS = [
    ("National thalassemia carrier screening with BGI", ["thalassemia"],
     ["Thalassemia carrier screening", "Training fellowships"], "approved",
     "Screen couples in high-prevalence districts for thalassemia carrier status.",
     "Start **carrier screening** in ten high-prevalence districts, with genetic counselling and referral for prenatal diagnosis."),
    ("Pilot of non-invasive prenatal testing in tertiary hospitals", ["reproductive-health"],
     ["Non-invasive prenatal testing (NIPT)"], "submitted",
     "Offer NIPT at three tertiary hospitals in a first year.",
     "Pilot **NIPT** at three tertiary hospitals with BGI's screening service, then assess uptake and cost."),
    ("Hereditary cancer panels in the cancer registries", ["cancer-research"],
     ["Hereditary cancer panels", "Whole-genome sequencing"], "endorsed",
     "Test patients with early-onset breast and colorectal cancer with hereditary panels.",
     "Offer **hereditary cancer panels** to patients meeting clinical criteria and to their relatives."),
    ("Exome sequencing for children with suspected rare disease", ["rare-diseases"],
     ["Exome sequencing for rare disease", "Newborn genetic screening"], "team_review",
     "Give paediatric centres access to clinical exome sequencing.",
     "Refer children with suspected rare genetic disease for **exome sequencing**, with results returned within eight weeks."),
    ("Governance and biobanking pilot for a national gene bank", ["national-gene-bank"],
     ["Biobanking at the China National GeneBank", "Bioinformatics and data analysis"], "returned",
     "Set up the governance, consent and data-protection framework before storing samples.",
     "Learn from the **China National GeneBank**: governance first, then a biobanking pilot with samples kept in Pakistan."),
    ("National genomics laboratory capacity and training", ["genetic-testing-and-diagnostics"],
     ["DNBSEQ sequencing platforms", "Training fellowships", "Bioinformatics and data analysis"], "draft",
     "Equip two public laboratories with sequencing platforms and train their staff.",
     "Install **DNBSEQ** platforms at two public laboratories and send twelve fellows to BGI for training."),
]  # fmt: skip

# The path from draft to each target state: (transition, actor key, comment)
PATHS = {
    "draft": [],
    "team_review": [("send_to_team_review", "expert", "")],
    "endorsed": [("send_to_team_review", "expert", ""), ("endorse", "lead", "")],
    "submitted": [("send_to_team_review", "expert", ""), ("endorse", "lead", ""),
                  ("submit_to_ministry", "lead", "")],
    "approved": [("send_to_team_review", "expert", ""), ("endorse", "lead", ""),
                 ("submit_to_ministry", "lead", ""), ("approve", "ministry", "Approved for inclusion in the MoU.")],
    "returned": [("send_to_team_review", "expert", ""), ("endorse", "lead", ""),
                 ("submit_to_ministry", "lead", ""),
                 ("return_for_revision", "ministry", "Please add the data-protection safeguards and the consent model.")],
}  # fmt: skip

DECISIONS = [
    ("Form a technical team of two to three NIH experts to outline Pakistan's strategic genetic-health priorities.",
     "Constitute the NIH technical team", "nih_lead", -7, "done"),
    ("NIH to spearhead a comprehensive international cooperation framework with BGI Group.",
     "Draft the cooperation framework", "nih_lead", 21, "in_progress"),
    ("Prepare the Pakistani delegation's visit to BGI's facilities in China on BGI's formal invitation.",
     "Propose the delegation and dates for the BGI visit", "ministry", 14, "open"),
    ("Draft a Memorandum of Understanding between the Government of Pakistan and BGI Group.",
     "Prepare the first draft of the MoU", "ministry", 30, "open"),
]  # fmt: skip


def seed_collaboration(*, users: dict[str, User]) -> Programme:
    """Create the demo programme once; later runs find it and change nothing."""
    programme = services.programme_ensure(
        name=PROGRAMME_NAME,
        actor=None,
        description=(
            "Cooperation between the Ministry of National Health Services and NIH Pakistan with "
            "BGI Group in genetic testing, rare-disease research and advanced diagnostics."
        ),
        started_on=dt.date(2026, 9, 1),
        cooperation_framework=FRAMEWORK,
    )
    _seed_areas(programme, users)
    _seed_capabilities()
    _seed_team(programme, users)
    _seed_recommendations(programme, users)
    _seed_kickoff(programme, users)
    return programme


def _seed_areas(programme: Programme, users: dict[str, User]) -> None:
    leads = {"thalassemia": "nih_expert", "rare-diseases": "nih_expert2"}
    for position, (name, slug, summary, objective_title, indicator) in enumerate(AREAS):
        if PriorityArea.objects.filter(slug=slug).exists():
            continue
        area = services.priority_area_create(
            programme=programme, name=name, slug=slug, summary=summary, actor=None,
            lead=users[leads.get(slug, "nih_lead")], position=position,
        )  # fmt: skip
        objective = services.objective_create(priority_area=area, title=objective_title, actor=None)
        ind_name, unit, baseline, target, direction, q2, q3 = indicator
        created = services.indicator_create(
            objective=objective, name=ind_name, unit=unit, baseline=Decimal(baseline),
            target=Decimal(target), direction=direction, actor=None,
        )  # fmt: skip
        for period, end, actual in (("2026-Q2", dt.date(2026, 6, 30), q2),
                                    ("2026-Q3", dt.date(2026, 9, 30), q3)):  # fmt: skip
            services.indicator_value_record(
                indicator=created, period=period, period_end_on=end, actual=Decimal(actual),
                actor=None, note="Reported by the priority area's lead.",
            )  # fmt: skip


def _seed_capabilities() -> None:
    areas = {a.slug: a for a in PriorityArea.objects.all()}
    for name, category, description, slugs in CAPABILITIES:
        if Capability.objects.filter(name=name).exists():
            continue
        services.capability_create(
            name=name, category=category, description=description, actor=None,
            priority_areas=[areas[s] for s in slugs if s in areas],
        )  # fmt: skip


def _seed_team(programme: Programme, users: dict[str, User]) -> None:
    team = services.team_ensure(
        programme=programme,
        name="NIH technical team on genetic-health priorities",
        actor=None,
        terms_of_reference=(
            "Outline Pakistan's strategic genetic-health priorities and develop detailed "
            "recommendations to leverage BGI's capabilities in meeting national healthcare goals."
        ),
    )
    members = [("nih_lead", TeamMembership.Role.LEAD, "Genomic medicine; team lead"),
               ("nih_expert", TeamMembership.Role.EXPERT, "Haematology and thalassemia"),
               ("nih_expert2", TeamMembership.Role.EXPERT, "Clinical genetics and rare diseases")]  # fmt: skip
    for username, role, expertise in members:
        if not team.memberships.filter(user=users[username]).exists():
            services.team_member_add(
                team=team, user=users[username], role=role, expertise=expertise, actor=None,
                started_on=dt.date(2026, 9, 15),
            )  # fmt: skip


def _seed_recommendations(programme: Programme, users: dict[str, User]) -> None:
    areas = {a.slug: a for a in PriorityArea.objects.all()}
    capabilities = {c.name: c for c in Capability.objects.all()}
    actors = {
        "expert": users["nih_expert"],
        "lead": users["nih_lead"],
        "ministry": users["ministry"],
    }
    for number, (title, slugs, caps, target, summary, body) in enumerate(RECOMMENDATIONS, start=1):
        if Recommendation.objects.filter(title=title).exists():
            continue
        data = RecommendationData(
            title=title, summary=summary, body=body,
            rationale="Aligned with the priorities the Minister of State set for the cooperation with BGI.",
            expected_outcomes="Earlier diagnosis and prevention; national capacity built alongside BGI.",
            timeline="Preparation in the first quarter, pilot over twelve months, review after.",
            risks="Cost, data protection, and the workforce needed to counsel and follow up.",
            estimated_cost_pkr=Decimal(25_000_000 * number),
            priority_areas=[areas[s] for s in slugs], capabilities=[capabilities[c] for c in caps],
        )  # fmt: skip
        rec = services.recommendation_create(
            programme=programme, actor=users["nih_expert"], data=data,
            co_authors=[users["nih_expert2"]],
        )  # fmt: skip
        # Two more saves by the experts, so every demo recommendation has several versions.
        for editor, addition, note in (
            ("nih_expert2", "\n\nPartner hospitals and laboratories are named in annex A.",
             "Added partner institutions"),
            ("nih_expert", "\n\nCosts are phased so that national funding grows each year.",
             "Phased the costs"),
        ):  # fmt: skip
            rec = services.recommendation_update(
                recommendation=rec, actor=users[editor], expected_version=rec.version,
                data=RecommendationData(**{**data.__dict__, "body": rec.body + addition}), note=note,
            )  # fmt: skip
        for name, who, comment in PATHS[target]:
            rec = services.recommendation_transition(
                recommendation=rec, name=name, actor=actors[who], comment=comment,
                expected_version=rec.version,
                official_reference=f"F.No. 12-{number}/2026-IHR" if name == "submit_to_ministry" else "",
            )  # fmt: skip


def _seed_kickoff(programme: Programme, users: dict[str, User]) -> None:
    title = "Kickoff: roadmap for strategic collaboration with BGI Group"
    if Meeting.objects.filter(title=title).exists():
        return
    meeting = services.meeting_create(
        programme=programme, actor=users["ministry"],
        data=MeetingData(
            title=title,
            held_at=dt.datetime(2026, 11, 9, 11, 0, tzinfo=KARACHI),
            location="Ministry of National Health Services, Islamabad",
            chair="Dr Mukhtar Bharath, Minister of State for Health",
            external_attendees="Executive Director, National Institutes of Health",
            official_reference="F.No. 1-7/2026-IHR (Kickoff)",
            minutes=(
                "The Minister of State emphasised BGI's prospective contributions in **genetic "
                "testing**, **rare-disease research** and **advanced diagnostics**, and the proposal "
                "for a **national gene bank** to secure genetic data for future generations.\n\n"
                "> Scientific cooperation between Pakistan and China marks the beginning of a new "
                "era for early disease diagnosis and prevention."
            ),
            attendees=[users["ministry"], users["approver"], users["nih_lead"]],
        ),
    )  # fmt: skip
    today = timezone.localdate()
    for text, action, owner, due_in_days, state in DECISIONS:
        decision = services.decision_add(meeting=meeting, text=text, actor=users["ministry"])
        item = services.action_item_create(
            programme=programme, actor=users["ministry"],
            data=ActionItemData(
                title=action, owner=users[owner], due_on=today + dt.timedelta(days=due_in_days),
                meeting=meeting, decision=decision,
            ),
        )  # fmt: skip
        if state == "in_progress":
            services.action_item_transition(item=item, name="start", actor=users[owner])
        elif state == ActionItem.Status.DONE:
            services.action_item_transition(item=item, name="complete", actor=users[owner])
