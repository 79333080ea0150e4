"""Media on S3 (a real moto server on loopback): upload in parts, process and publish in a real worker,
play through a presigned URL with Range, and nothing left behind in the bucket by refused input."""

import signal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from rest_framework.test import APIClient

from creators import services
from creators.models import UploadSession, Video
from platform.celery import app
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory
from tests.s3 import PART_MIN_BYTES, QUERYSTRING_EXPIRE, S3Media
from tests.waiting import eventually
from tests.workers import start_worker, state_of, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)


def start(client: APIClient, size: int) -> str:
    response = client.post(reverse("api-upload-start"), {"filename": "clip.mp4", "size": size}, format="json")
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def put(client: APIClient, upload_id: str, offset: int, chunk: bytes):
    return client.put(
        f"{reverse('api-upload-chunk', args=[upload_id])}?offset={offset}",
        data=chunk,
        content_type="application/octet-stream",
    )


@pytest.fixture
def creator_client():
    client = APIClient()
    creator = CreatorFactory.create()
    client.force_authenticate(creator.user)
    return client


@pytest.mark.processes
def test_upload_process_publish_and_play_all_on_s3(
    s3_media: S3Media, creator_client, clips: Clips, media_root
):
    app.control.purge()  # no leftovers from other runs in the test broker
    data = clips.landscape.read_bytes()
    assert len(data) > 2 * PART_MIN_BYTES  # at least three parts
    upload_id = start(creator_client, len(data))
    assert s3_media.multipart_uploads() == [f"upload-parts/{upload_id.replace('-', '')}.part"]
    for offset in range(0, len(data), PART_MIN_BYTES):
        assert (
            put(creator_client, upload_id, offset, data[offset : offset + PART_MIN_BYTES]).status_code == 200
        )
    assert len(UploadSession.objects.get().s3_parts) == -(-len(data) // PART_MIN_BYTES)
    done = creator_client.post(reverse("api-upload-complete", args=[upload_id]))
    assert done.status_code == 201, done.content
    video = Video.objects.get()
    folder = f"videos/{video.public_id.hex}/"
    # The parts are gone; the original is in the bucket under a server-made name, byte for byte.
    assert s3_media.multipart_uploads() == []
    original = str(video.original.name)
    assert s3_media.keys() == [original]
    assert original.startswith(folder)
    assert original.endswith(".mp4")
    assert s3_media.read(original) == data

    worker = start_worker(media_root=media_root, extra_env=s3_media.env)
    try:
        eventually(lambda: state_of(video.pk) == Video.State.DRAFT, timeout=120, what="processing")
        video.refresh_from_db()
        services.video_publish(video=video, start=0.5, end=2.5)
        eventually(lambda: state_of(video.pk) == Video.State.PUBLISHED, timeout=120, what="publishing")
    finally:
        output = stop_worker(worker, signal.SIGTERM)
    video.refresh_from_db()
    assert video.failure_reason == "", output
    fields = ("original", "poster", "preview", "filmstrip", "rendition")
    names = [str(getattr(video, field).name) for field in fields]
    assert all(name.startswith(folder) for name in names)
    # And the HLS ladder, in its own folder beside them.
    stream_folder = str(video.stream.name).rsplit("/", 1)[0] + "/"
    assert stream_folder.startswith(folder)
    ladder = [key for key in s3_media.keys() if key.startswith(stream_folder)]  # noqa: SIM118
    assert f"{stream_folder}master.m3u8" in ladder
    assert s3_media.keys() == sorted(names + ladder)
    assert stored_files(media_root) == []  # nothing on this machine's media folder

    played = creator_client.get(reverse("creators:video_file", args=[video.public_id, "video"]))
    assert played.status_code == 302
    url = urlsplit(played["Location"])
    assert f"{url.scheme}://{url.netloc}" == s3_media.endpoint
    assert url.path == f"/{s3_media.bucket}/{video.rendition.name}"
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == [str(QUERYSTRING_EXPIRE)]
    assert query["X-Amz-Signature"][0]
    rendition = s3_media.read(str(video.rendition.name))
    ranged = requests.get(played["Location"], headers={"Range": "bytes=0-99"}, timeout=10)
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 0-99/{len(rendition)}"
    assert ranged.content == rendition[:100]


def test_refused_chunks_and_a_non_video_leave_nothing_in_the_bucket(
    s3_media: S3Media, creator_client, clips: Clips
):
    data = clips.landscape.read_bytes()
    upload_id = start(creator_client, len(data))
    assert put(creator_client, upload_id, 0, data[:PART_MIN_BYTES]).status_code == 200
    key = s3_media.multipart_uploads()[0]
    upload = UploadSession.objects.get()

    def parts() -> list[int]:
        listed = s3_media.client.list_parts(Bucket=s3_media.bucket, Key=key, UploadId=upload.s3_upload_id)
        return [part["PartNumber"] for part in listed.get("Parts", [])]

    wrong_offset = put(creator_client, upload_id, 2 * PART_MIN_BYTES, data[2 * PART_MIN_BYTES :])
    assert wrong_offset.status_code == 409
    assert wrong_offset.json()["received"] == PART_MIN_BYTES
    # S3 would refuse to assemble a short part that is not the last one.
    too_short = put(creator_client, upload_id, PART_MIN_BYTES, data[PART_MIN_BYTES : PART_MIN_BYTES + 1000])
    assert too_short.status_code == 400
    assert parts() == [1]
    assert UploadSession.objects.get().received == PART_MIN_BYTES

    # A complete upload that is not a video: refused by its content, and every trace goes.
    junk = b"not a video at all " * 5000
    junk_id = start(creator_client, len(junk))
    assert put(creator_client, junk_id, 0, junk[:PART_MIN_BYTES]).status_code == 200
    assert put(creator_client, junk_id, PART_MIN_BYTES, junk[PART_MIN_BYTES:]).status_code == 200
    refused = creator_client.post(reverse("api-upload-complete", args=[junk_id]))
    assert refused.status_code == 400
    assert Video.objects.count() == 0
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [upload.pk]
    assert s3_media.multipart_uploads() == [key]
    assert s3_media.keys() == []

    # Cancelling aborts the multipart upload: S3 drops its parts.
    assert creator_client.delete(reverse("api-upload", args=[upload_id])).status_code == 204
    assert s3_media.multipart_uploads() == []
    assert s3_media.keys() == []
    assert UploadSession.objects.count() == 0
