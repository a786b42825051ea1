"""The matrix world, built once per test module inside a transaction rolled back at its end."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.permissions.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            built.objects["media_root"] = media
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
