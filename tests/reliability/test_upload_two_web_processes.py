"""A resumable upload spread over two real web processes (gunicorn, one port each, one database): the
chunks alternate between them, one is SIGKILLed in the middle of a chunk, and the other finishes the upload
into a video that a real worker processes. Once with the part file on the shared media disk, once on S3."""

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rest_framework.authtoken.models import Token

from creators.models import UploadSession, Video
from platform.celery import app
from tests.clips import Clips
from tests.factories import CreatorFactory
from tests.s3 import PART_MIN_BYTES
from tests.waiting import eventually
from tests.workers import start_web, start_worker, state_of, stop_web, stop_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

CHUNK = PART_MIN_BYTES  # S3's minimum part (as the test server takes it); any size suits the disk


@pytest.fixture
def web_processes(tmp_path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for server in started:
        stop_web(server)


@pytest.mark.parametrize("storage", ["disk", pytest.param("s3", marks=pytest.mark.s3)])
def test_chunks_on_two_web_processes_one_killed_mid_chunk_still_make_a_video(
    storage, request, media_root, tmp_path, clips: Clips, web_processes, settings
):
    app.control.purge()  # no leftovers from other runs in the test broker
    settings.UPLOAD_PARTS_DIR = ""
    s3 = request.getfixturevalue("s3_media") if storage == "s3" else None
    # UPLOAD_PARTS_DIR empty: the default, beside the media both processes share.
    extra_env = {**(s3.env if s3 is not None else {}), "UPLOAD_PARTS_DIR": ""}
    servers = []
    for name in ("a", "b"):
        server, url = start_web(media_root=media_root, extra_env=extra_env, log=tmp_path / f"web-{name}.log")
        web_processes.append(server)
        servers.append((server, url))
    (server_a, url_a), (_, url_b) = servers
    data = clips.landscape.read_bytes()
    assert len(data) > 3 * CHUNK
    token = Token.objects.create(user=CreatorFactory.create().user).key
    headers = {"Authorization": f"Token {token}"}

    started = requests.post(
        f"{url_a}/api/v1/studio/uploads", json={"filename": "clip.mp4", "size": len(data)}, headers=headers,
        timeout=10,
    )  # fmt: skip
    assert started.status_code == 201, started.text
    upload_id = started.json()["id"]

    def put(url: str, offset: int) -> requests.Response:
        return requests.put(
            f"{url}/api/v1/studio/uploads/{upload_id}/chunk?offset={offset}",
            data=data[offset : offset + CHUNK],
            headers={**headers, "Content-Type": "application/octet-stream"},
            timeout=30,
        )

    assert put(url_b, 0).json()["received"] == CHUNK
    assert put(url_a, CHUNK).json()["received"] == 2 * CHUNK
    # Half of the third chunk reaches A, then A dies with it.
    host, port = url_a.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(
        (
            f"PUT /api/v1/studio/uploads/{upload_id}/chunk?offset={2 * CHUNK} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Token {token}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {CHUNK}\r\nConnection: close\r\n\r\n"
        ).encode()
        + data[2 * CHUNK : 2 * CHUNK + CHUNK // 2]
    )
    # A is reading the body: nothing outside A shows a half-read chunk, so the test gives it this long.
    time.sleep(0.5)
    stop_web(server_a, signal.SIGKILL)
    sock.close()

    # B says where to resume, and takes the rest.
    resume = requests.get(f"{url_b}/api/v1/studio/uploads/{upload_id}", headers=headers, timeout=10)
    assert resume.json()["received"] == 2 * CHUNK
    for offset in range(2 * CHUNK, len(data), CHUNK):
        assert put(url_b, offset).status_code == 200
    done = requests.post(f"{url_b}/api/v1/studio/uploads/{upload_id}/complete", headers=headers, timeout=60)
    assert done.status_code == 201, done.text
    video = Video.objects.get()
    assert UploadSession.objects.count() == 0
    if s3 is not None:
        assert s3.keys() == [video.original.name]
        assert s3.multipart_uploads() == []
        assert s3.read(str(video.original.name)) == data
    else:
        assert (Path(media_root) / str(video.original.name)).read_bytes() == data
        assert list((Path(media_root) / "upload-parts").iterdir()) == []  # A's half chunk went too

    worker = start_worker(media_root=media_root, extra_env=extra_env)
    try:
        eventually(lambda: state_of(video.pk) == Video.State.DRAFT, timeout=120, what="processing")
    finally:
        output = stop_worker(worker, signal.SIGTERM)
    video.refresh_from_db()
    assert video.failure_reason == "", output
    assert video.poster.name
    assert video.preview.name
