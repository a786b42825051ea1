from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal.models import Role

pytestmark = pytest.mark.django_db

ROLE_GROUPS = import_module("portal.migrations.0002_role_groups")


def test_makemigrations_check_finds_no_missing_migration():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_the_role_groups_migration_creates_one_group_per_role():
    # The groups are also recreated after every migrate (portal.apps); run the migration's own
    # step on an empty table so only it can have made them.
    Group.objects.all().delete()

    ROLE_GROUPS.create_groups(django_apps, None)

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(r.value for r in Role)


def test_the_role_groups_migration_reverses_to_nothing_for_unused_groups():
    Group.objects.all().delete()
    ROLE_GROUPS.create_groups(django_apps, None)

    ROLE_GROUPS.remove_groups(django_apps, None)

    assert Group.objects.count() == 0
