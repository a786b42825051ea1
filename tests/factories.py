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
