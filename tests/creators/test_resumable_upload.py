"""Resumable uploads: chunks in order, resume after a lost chunk, and nothing left behind on refusal."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from creators.models import UploadSession, Video
from creators.services import upload_part_path
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator_client(settings, tmp_path):
    settings.UPLOAD_PARTS_DIR = tmp_path / "parts"
    client = APIClient()
    creator = CreatorFactory.create()
    client.force_authenticate(creator.user)
    return client


def start(client, data: bytes, filename="clip.mp4"):
    response = client.post(
        reverse("api-upload-start"), {"filename": filename, "size": len(data)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def put(client, upload_id, offset: int, chunk: bytes):
    return client.put(
        f"{reverse('api-upload-chunk', args=[upload_id])}?offset={offset}",
        data=chunk,
        content_type="application/octet-stream",
    )


def test_a_video_arrives_in_chunks_and_becomes_a_video(
    creator_client, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, settings
):
    data = clips.landscape.read_bytes()
    session = start(creator_client, data)
    assert (session["received"], session["size"]) == (0, len(data))
    third = len(data) // 3 + 1
    for offset in range(0, len(data), third):
        response = put(creator_client, session["id"], offset, data[offset : offset + third])
        assert response.status_code == 200
        assert response.json()["received"] == min(offset + third, len(data))
    with django_capture_on_commit_callbacks(execute=True):
        done = creator_client.post(reverse("api-upload-complete", args=[session["id"]]))
    assert done.status_code == 201
    video = Video.objects.get()
    assert done.json()["edit_url"] == reverse("creators:studio_video", args=[video.public_id])
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT
    assert video.original.open("rb").read() == data
    assert UploadSession.objects.count() == 0
    assert list((settings.UPLOAD_PARTS_DIR).glob("*")) == []


def test_a_lost_chunk_is_resumed_from_what_the_server_has(creator_client, clips: Clips):
    data = clips.landscape.read_bytes()
    session = start(creator_client, data)
    assert put(creator_client, session["id"], 0, data[:1000]).status_code == 200
    # The client thinks the second chunk arrived; it did not. The server says where to resume.
    skipped = put(creator_client, session["id"], 2000, data[2000:3000])
    assert skipped.status_code == 409
    assert skipped.json()["received"] == 1000
    assert creator_client.get(reverse("api-upload", args=[session["id"]])).json()["received"] == 1000
    assert put(creator_client, session["id"], 1000, data[1000:]).status_code == 200
    part = upload_part_path(UploadSession.objects.get())
    assert part.read_bytes() == data


def test_refusals_write_nothing(creator_client, clips: Clips, settings, media_root):
    too_big = creator_client.post(
        reverse("api-upload-start"),
        {"filename": "x.mp4", "size": settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024 + 1},
        format="json",
    )
    assert too_big.status_code == 413
    assert UploadSession.objects.count() == 0
    session = start(creator_client, b"x" * 100)
    past_end = put(creator_client, session["id"], 0, b"y" * 101)
    assert past_end.status_code == 400
    assert UploadSession.objects.get().received == 0
    text = b"just text, not a video; " * 4  # 96 bytes
    assert put(creator_client, session["id"], 0, text).status_code == 200
    early = creator_client.post(reverse("api-upload-complete", args=[session["id"]]))
    assert early.status_code == 400
    assert "not complete" in str(early.json())
    assert put(creator_client, session["id"], len(text), b"z" * (100 - len(text))).status_code == 200
    refused = creator_client.post(reverse("api-upload-complete", args=[session["id"]]))
    assert refused.status_code == 400
    assert "file" in refused.json()
    assert Video.objects.count() == 0
    assert UploadSession.objects.count() == 0
    assert list(settings.UPLOAD_PARTS_DIR.glob("*")) == []
    assert stored_files(media_root) == []


def test_nobody_else_can_touch_my_upload(creator_client, clips: Clips):
    session = start(creator_client, b"a" * 10)
    intruder = APIClient()
    intruder.force_authenticate(CreatorFactory.create().user)
    assert intruder.get(reverse("api-upload", args=[session["id"]])).status_code == 404
    assert put(intruder, session["id"], 0, b"b" * 10).status_code == 404
    assert intruder.post(reverse("api-upload-complete", args=[session["id"]])).status_code == 404
    assert intruder.delete(reverse("api-upload", args=[session["id"]])).status_code == 404
    assert UploadSession.objects.get().received == 0
