"""A large programme for the benchmark, written with bulk inserts on top of the demo programme.

`grow_to(size)` adds records until the programme holds `size` of each kind (scaled per kind), so a
run can measure at a small size first and then grow the same database to the full one.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from collaboration.models import ActionItem, PriorityArea, Programme, Recommendation
from collaboration.models import RecommendationVersion as RecVersion
from delegations.models import DelegationMember, Visit
from mou.models import Clause, ClauseSnapshot, Mou, MouVersion
from portal.freshness import bump, watched_labels
from portal.models import User


@dataclass(frozen=True)
class Size:
    recommendations: int
    visits: int
    mous: int
    action_items: int

    @classmethod
    def full(cls) -> "Size":
        return cls(recommendations=10_000, visits=500, mous=50, action_items=20_000)

    @classmethod
    def small(cls) -> "Size":
        return cls(recommendations=100, visits=10, mous=5, action_items=100)


VERSIONS_PER_RECOMMENDATION = 2
VERSIONS_PER_MOU = 3
CLAUSES_PER_MOU = 10
MEMBERS_PER_VISIT = 3
BATCH = 2_000

WORDS = [
    "thalassemia", "carrier", "screening", "newborn", "sequencing", "rare", "disease",
    "diagnostics", "gene", "bank", "biobank", "consent", "oncology", "panel", "reproductive",
    "health", "counselling", "capacity", "training", "laboratory", "accreditation", "data",
    "sharing", "bioinformatics", "pipeline", "cohort", "registry",
]  # fmt: skip


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _grow_recommendations(rng, programme, areas, authors, target: int) -> None:
    have = Recommendation.objects.count()
    statuses = [s for s, _label in Recommendation.Status.choices]
    for start in range(have, target, BATCH):
        count = min(BATCH, target - start)
        rows = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    programme=programme,
                    title=f"Recommendation {start + i + 1}: {_text(rng, 5)}",
                    summary=_text(rng, 20),
                    body=_text(rng, 80),
                    status=rng.choice(statuses),
                    revision=VERSIONS_PER_RECOMMENDATION,
                    version=VERSIONS_PER_RECOMMENDATION,
                )
                for i in range(count)
            ]
        )
        RecVersion.objects.bulk_create(
            [
                RecVersion(
                    recommendation=r, number=n, title=r.title, summary=r.summary, body=r.body
                )
                for r in rows
                for n in range(1, VERSIONS_PER_RECOMMENDATION + 1)
            ]
        )
        area_link = Recommendation.priority_areas.through
        area_link.objects.bulk_create(
            [area_link(recommendation=r, priorityarea=rng.choice(areas)) for r in rows]
        )
        author_link = Recommendation.authors.through
        author_link.objects.bulk_create(
            [author_link(recommendation=r, user=rng.choice(authors)) for r in rows]
        )


def _grow_visits(rng, programme, officer, target: int) -> None:
    have = Visit.objects.count()
    today = timezone.localdate()
    for start in range(have, target, BATCH):
        count = min(BATCH, target - start)
        visits = []
        for i in range(count):
            starts = today + dt.timedelta(days=rng.randint(-400, 400))
            visits.append(
                Visit(
                    programme=programme,
                    title=f"Visit {start + i + 1} to BGI",
                    purpose=_text(rng, 30),
                    status=Visit.Status.PROPOSED,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=5),
                    responsible_officer=officer,
                    is_shared_with_bgi=i % 2 == 0,
                )
            )
        rows = Visit.objects.bulk_create(visits)
        DelegationMember.objects.bulk_create(
            [
                DelegationMember(
                    visit=v,
                    name=f"Member {n} of {v.title}",
                    passport_expires_on=v.ends_on + dt.timedelta(days=400),
                    visa_issued_on=v.starts_on - dt.timedelta(days=10) if n % 2 else None,
                )
                for v in rows
                for n in range(MEMBERS_PER_VISIT)
            ]
        )


def _grow_mous(rng, programme, officer, target: int) -> None:
    have = Mou.objects.count()
    for n in range(have, target):
        mou = Mou.objects.create(
            programme=programme,
            title=f"Memorandum of Understanding {n + 1}",
            responsible_officer=officer,
        )
        clauses = Clause.objects.bulk_create(
            [
                Clause(
                    mou=mou,
                    position=p + 1,
                    heading_en=f"Article {p + 1}",
                    heading_zh=f"第{p + 1}条",
                    text_en=_text(rng, 60),
                    text_zh="双方同意在基因组学领域开展合作。",
                )
                for p in range(CLAUSES_PER_MOU)
            ]
        )
        for number in range(1, VERSIONS_PER_MOU + 1):
            version = MouVersion.objects.create(mou=mou, number=number, note="Published")
            ClauseSnapshot.objects.bulk_create(
                [
                    ClauseSnapshot(
                        version=version,
                        key=c.key or uuid.uuid4(),
                        position=c.position,
                        heading_en=c.heading_en,
                        heading_zh=c.heading_zh,
                        text_en=c.text_en,
                        text_zh=c.text_zh,
                    )
                    for c in clauses
                ]
            )


def _grow_action_items(rng, programme, owners, target: int) -> None:
    have = ActionItem.objects.count()
    today = timezone.localdate()
    for start in range(have, target, BATCH):
        count = min(BATCH, target - start)
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    programme=programme,
                    title=f"Action {start + i + 1}: {_text(rng, 4)}",
                    description=_text(rng, 15),
                    owner=rng.choice(owners),
                    due_on=today + dt.timedelta(days=rng.randint(-60, 120)),
                )
                for i in range(count)
            ]
        )


@transaction.atomic
def grow_to(size: Size, *, seed: int = 2026) -> None:
    """Add records until each kind reaches `size` (records already there count)."""
    # Repeatable sample data, not secrets.
    rng = random.Random(seed + Recommendation.objects.count())  # noqa: S311
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise RuntimeError("Seed the demo programme first (manage.py seed_demo).")
    areas = list(PriorityArea.objects.filter(programme=programme))
    people = list(User.objects.filter(username__in=["nih_lead", "nih_expert", "nih_expert2"]))
    owners = list(User.objects.filter(username__in=["ministry", "approver", "nih_lead"]))
    officer = User.objects.get(username="ministry")
    _grow_recommendations(rng, programme, areas, people, size.recommendations)
    _grow_visits(rng, programme, officer, size.visits)
    _grow_mous(rng, programme, officer, size.mous)
    _grow_action_items(rng, programme, owners, size.action_items)
    # Bulk inserts send no model signals: move every table's change stamp by hand.
    bump(watched_labels())
