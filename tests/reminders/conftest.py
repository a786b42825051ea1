import pytest

from tests.factories import UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", full_name="Ayesha Owner", time_zone="Asia/Karachi")
