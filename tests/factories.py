"""factory-boy factories: one per model; roles and states as traits or arguments."""

import factory
from django.contrib.auth.models import Group

from portal.models import Role, User
from tests.workflow_app.models import Dossier


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@portal.example")
    organisation = User.Organisation.OTHER
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=Role(r).value)[0] for r in extracted])


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    title = factory.Sequence(lambda n: f"Dossier {n}")
    owner = factory.SubFactory(UserFactory)

    class Params:
        submitted = factory.Trait(status=Dossier.Status.SUBMITTED)


# collaboration -------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from collaboration import models as collab  # noqa: E402


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Programme
        django_get_or_create = ("name",)

    name = "Pakistan–BGI genomics cooperation"
    description = "Genetic testing, rare-disease research and advanced diagnostics."
    started_on = _dt.date(2026, 9, 1)


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.PriorityArea

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Priority area {n}")
    slug = factory.Sequence(lambda n: f"priority-area-{n}")
    summary = "A national priority."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Objective

    priority_area = factory.SubFactory(PriorityAreaFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Indicator

    objective = factory.SubFactory(ObjectiveFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    baseline = Decimal("10")
    target = Decimal("60")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.Sequence(lambda n: f"2026-P{n}")
    period_end_on = _dt.date(2026, 9, 30)
    actual = Decimal("35")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Capability

    name = factory.Sequence(lambda n: f"Capability {n}")
    category = collab.Capability.Category.SEQUENCING


class TechnicalTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.TechnicalTeam
        django_get_or_create = ("programme",)

    programme = factory.SubFactory(ProgrammeFactory)
    name = "NIH technical team on genomics"
    terms_of_reference = "Outline Pakistan's strategic genetic-health priorities."


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.TeamMembership

    team = factory.SubFactory(TechnicalTeamFactory)
    user = factory.SubFactory(UserFactory)
    role = collab.TeamMembership.Role.EXPERT
    started_on = _dt.date(2026, 1, 1)


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation with one saved version; states as traits (`submitted=True`)."""

    class Meta:
        model = collab.Recommendation
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    summary = "Use BGI's screening capacity."
    body = "Screen **carriers** in high-prevalence districts."
    rationale = "Prevalence is high."

    class Params:
        team_review = factory.Trait(status=collab.Recommendation.Status.TEAM_REVIEW)
        endorsed = factory.Trait(status=collab.Recommendation.Status.ENDORSED)
        submitted = factory.Trait(status=collab.Recommendation.Status.SUBMITTED)
        approved = factory.Trait(status=collab.Recommendation.Status.APPROVED)
        returned = factory.Trait(status=collab.Recommendation.Status.RETURNED)
        rejected = factory.Trait(status=collab.Recommendation.Status.REJECTED)

    @factory.post_generation
    def priority_areas(self, create, extracted, **kwargs):
        if create:
            self.priority_areas.set(extracted or [PriorityAreaFactory(programme=self.programme)])

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)

    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            version = collab.RecommendationVersion.objects.create(
                recommendation=self,
                number=self.revision,
                **{name: getattr(self, name) for name in collab.Recommendation.TEXT_FIELDS},
                estimated_cost_pkr=self.estimated_cost_pkr,
            )
            version.priority_areas.set(self.priority_areas.all())
            version.capabilities.set(self.capabilities.all())


class RecommendationCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.RecommendationComment

    recommendation = factory.SubFactory(RecommendationFactory)
    author = factory.SubFactory(UserFactory)
    body = "Agreed."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Meeting

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    held_at = factory.LazyFunction(lambda: timezone.now() - _dt.timedelta(days=3))
    chair = "Minister of State for Health"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = collab.ActionItem

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + _dt.timedelta(days=7))

    class Params:
        done = factory.Trait(status=collab.ActionItem.Status.DONE)


# delegations ---------------------------------------------------------------------------------

from delegations import models as deleg  # noqa: E402


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.Site
        django_get_or_create = ("name",)

    name = "BGI Group headquarters"
    city = "Shenzhen"
    timezone = "Asia/Shanghai"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.Visit

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Visit {n}")
    starts_on = _dt.date(2027, 1, 10)
    ends_on = _dt.date(2027, 1, 15)

    class Params:
        invitation_received = factory.Trait(status=deleg.Visit.Status.INVITATION_RECEIVED)
        approved = factory.Trait(
            status=deleg.Visit.Status.APPROVED, travel_approval_reference="NOC-1"
        )
        in_progress = factory.Trait(
            status=deleg.Visit.Status.IN_PROGRESS, travel_approval_reference="NOC-1"
        )
        completed = factory.Trait(
            status=deleg.Visit.Status.COMPLETED, travel_approval_reference="NOC-1"
        )
        shared = factory.Trait(is_shared_with_bgi=True)


class DelegationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.DelegationMember

    visit = factory.SubFactory(VisitFactory)
    name = factory.Sequence(lambda n: f"Member {n}")


class ItineraryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = deleg.ItineraryItem
        skip_postgeneration_save = True

    visit = factory.SubFactory(VisitFactory)
    site = factory.SubFactory(SiteFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = _dt.datetime(2027, 1, 12, 1, 0, tzinfo=_dt.UTC)  # 09:00 in Shenzhen
    ends_at = _dt.datetime(2027, 1, 12, 3, 0, tzinfo=_dt.UTC)

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


# mou -----------------------------------------------------------------------------------------

from mou import models as mou_models  # noqa: E402


class MouFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.Mou

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"MoU {n}")

    class Params:
        text_agreed = factory.Trait(status=mou_models.Mou.Status.TEXT_AGREED)
        approved = factory.Trait(status=mou_models.Mou.Status.APPROVED)


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.Clause

    mou = factory.SubFactory(MouFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading_en = factory.Sequence(lambda n: f"Clause {n}")
    heading_zh = "条款"
    text_en = "The Parties shall cooperate."
    text_zh = "双方应开展合作。"
    en_changed_at = factory.LazyFunction(timezone.now)
    zh_changed_at = factory.LazyAttribute(lambda c: c.en_changed_at)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mou_models.Signatory

    mou = factory.SubFactory(MouFactory)
    name = factory.Sequence(lambda n: f"Signatory {n}")
    title = "Secretary"
    party = mou_models.Party.GOVERNMENT
    order = factory.Sequence(lambda n: n + 1)
