"""Factories the overview tests need beyond tests/factories.py, and a programme builder."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from delegations import models as deleg
from mou import models as mou_models
from tests.factories import (
    ActionItemFactory,
    DelegationMemberFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MouFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    RecommendationFactory,
    UserFactory,
    VisitFactory,
)


class LogisticsTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.LogisticsTask

    visit = factory.SubFactory(VisitFactory)
    title = factory.Sequence(lambda n: f"Logistics task {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5))


class MouVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.MouVersion

    mou = factory.SubFactory(MouFactory)
    number = factory.Sequence(lambda n: n + 1)
    note = "Published for review."

    class Params:
        shared = factory.Trait(
            is_shared_with_bgi=True, shared_at=factory.LazyFunction(timezone.now)
        )


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.ReviewRound

    mou = factory.SubFactory(MouFactory)
    version = factory.SubFactory(MouVersionFactory, mou=factory.SelfAttribute("..mou"))
    title = factory.Sequence(lambda n: f"Review round {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))
    requested_by = factory.SubFactory(UserFactory)


class ReviewRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.ReviewRequest

    round = factory.SubFactory(ReviewRoundFactory)
    reviewer = factory.SubFactory(UserFactory)


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.Obligation

    mou = factory.SubFactory(MouFactory)
    party = mou_models.Party.GOVERNMENT
    description = factory.Sequence(lambda n: f"Obligation {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))


def build_programme(size: int, *, owner=None) -> None:
    """`size` of everything the overview reads: areas with indicators and values,
    recommendations, visits with members and logistics, MoUs with versions, action items."""
    today = timezone.localdate()
    owner = owner or UserFactory()
    for n in range(size):
        area = PriorityAreaFactory()
        objective = ObjectiveFactory(priority_area=area)
        indicator = IndicatorFactory(
            objective=objective, baseline=Decimal("0"), target=Decimal("100")
        )
        IndicatorValueFactory(indicator=indicator, period=f"2026-Q{n % 4 + 1}-{n}")
        recommendation = RecommendationFactory(priority_areas=[area], authors=[owner])
        recommendation.transitions.create(
            actor=owner, transition="send_to_review", from_status="draft", to_status="team_review"
        )
        visit = VisitFactory(starts_on=today + dt.timedelta(days=30 + n), ends_on=None)
        DelegationMemberFactory(visit=visit)
        LogisticsTaskFactory(visit=visit, owner=owner)
        mou = MouFactory()
        MouVersionFactory(mou=mou, number=1, shared=True)
        ReviewRoundFactory(mou=mou, version=mou.versions.get())
        ObligationFactory(mou=mou, owner=owner)
        mou.transitions.create(
            actor=owner,
            transition="submit_for_review",
            from_status="drafting",
            to_status="internal_review",
        )
        ActionItemFactory(owner=owner, due_on=today - dt.timedelta(days=n + 1))
        ActionItemFactory(owner=owner, due_on=today + dt.timedelta(days=n % 14))
