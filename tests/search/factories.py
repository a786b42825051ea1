"""Factories the search tests need beyond tests/factories.py."""

import datetime as dt

import factory
from django.utils import timezone

from delegations import models as deleg
from mou import models as mou_models
from tests.factories import (
    ClauseFactory,
    MouFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    VisitFactory,
)

__all__ = [
    "ClauseFactory",
    "ClauseSnapshotFactory",
    "MouVersionFactory",
    "ObligationFactory",
    "VisitObjectiveFactory",
]


class MouVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.MouVersion

    mou = factory.SubFactory(MouFactory)
    number = factory.Sequence(lambda n: n + 1)

    class Params:
        shared = factory.Trait(
            is_shared_with_bgi=True, shared_at=factory.LazyFunction(timezone.now)
        )


class ClauseSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.ClauseSnapshot

    version = factory.SubFactory(MouVersionFactory)
    key = factory.Faker("uuid4", cast_to=None)
    position = factory.Sequence(lambda n: n + 1)
    heading_en = factory.Sequence(lambda n: f"Snapshot clause {n}")
    heading_zh = "条款"
    text_en = "The Parties shall cooperate."
    text_zh = "双方应开展合作。"


class VisitObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.VisitObjective

    visit = factory.SubFactory(VisitFactory)
    priority_area = factory.SubFactory(PriorityAreaFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    text = factory.Sequence(lambda n: f"Objective {n}")


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.Obligation

    mou = factory.SubFactory(MouFactory)
    party = mou_models.Party.GOVERNMENT
    description = factory.Sequence(lambda n: f"Obligation {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
