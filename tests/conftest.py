"""Fixtures shared by every test: factories, a clean media folder and a fast cache."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.clips import clips  # noqa: F401  (a session fixture shared by every folder)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory.create()
