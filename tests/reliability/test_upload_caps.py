"""One creator cannot reserve the media disk with resumable uploads they never fill: open sessions are capped
in number and in declared bytes, the refusal says why with a code and writes nothing, and sessions that
ended (finished, cancelled, expired) leave room again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creators.models import UploadSession
from tests.conftest import stored_files
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def creator_client(settings, tmp_path):
    settings.UPLOAD_PARTS_DIR = tmp_path / "parts"
    settings.VIDEO_MAX_UPLOAD_MB = 512
    settings.UPLOAD_SESSIONS_MAX_OPEN = 3
    settings.UPLOAD_SESSIONS_MAX_MB = 1024
    client = APIClient()
    client.force_authenticate(CreatorFactory.create().user)
    return client


def start(client, size: int):
    return client.post(reverse("api-upload-start"), {"filename": "clip.mp4", "size": size}, format="json")


def test_declared_bytes_of_open_uploads_are_capped_per_creator(creator_client, settings):
    assert start(creator_client, 512 * MB).status_code == 201
    assert start(creator_client, 512 * MB).status_code == 201
    parts = stored_files(settings.UPLOAD_PARTS_DIR)

    refused = start(creator_client, 512 * MB)

    assert refused.status_code == 409
    assert refused.json()["code"] == "upload_sessions_bytes"
    assert "1024 MB" in refused.json()["detail"]
    assert UploadSession.objects.count() == 2
    assert stored_files(settings.UPLOAD_PARTS_DIR) == parts  # no part file for the refused one


def test_open_uploads_are_capped_at_three_per_creator_even_small_ones(creator_client, settings):
    for _ in range(3):
        assert start(creator_client, 1000).status_code == 201

    refused = start(creator_client, 1000)

    assert refused.status_code == 409
    assert refused.json()["code"] == "upload_sessions_open"
    assert refused.json()["open"] == 3
    assert UploadSession.objects.count() == 3
    assert len(stored_files(settings.UPLOAD_PARTS_DIR)) == 3


def test_cancelled_and_expired_sessions_leave_room_and_other_creators_have_their_own(creator_client):
    first, second, _ = (start(creator_client, 1000).json()["id"] for _ in range(3))
    assert creator_client.delete(reverse("api-upload", args=[first])).status_code == 204
    assert start(creator_client, 1000).status_code == 201
    # Idle for over a day: abandoned, whether or not the periodic job has removed it yet.
    UploadSession.objects.filter(pk=second).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    assert start(creator_client, 1000).status_code == 201
    assert start(creator_client, 1000).status_code == 409

    other = APIClient()
    other.force_authenticate(CreatorFactory.create().user)
    assert start(other, 1000).status_code == 201
