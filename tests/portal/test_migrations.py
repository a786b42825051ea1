from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal.models import Role

pytestmark = pytest.mark.django_db


def test_makemigrations_check_finds_no_missing_migration():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_a_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
