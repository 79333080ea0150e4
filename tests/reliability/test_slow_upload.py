"""A slow client on a resumable chunk upload, over real HTTP (the live server on loopback): it holds its
socket open, everyone else's writes still succeed, and its stalled chunk is dropped after a bounded time
without counting as progress."""

import json
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from rest_framework.authtoken.models import Token

from creators.models import UploadSession
from creators.services import upload_part_path
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def parts_dir(settings, tmp_path):
    settings.UPLOAD_PARTS_DIR = tmp_path / "parts"
    return settings.UPLOAD_PARTS_DIR


def token_for(user) -> str:
    return str(Token.objects.create(user=user).key)


def start_upload(url: str, token: str, size: int) -> str:
    response = requests.post(
        f"{url}/api/v1/studio/uploads",
        json={"filename": "clip.mp4", "size": size},
        headers={"Authorization": f"Token {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def send_chunk_head(live_server, *, token: str, upload_id: str, offset: int, length: int, body: bytes):
    """A raw socket: the chunk's headers and the first bytes of its body, the rest left unsent."""
    host, port = live_server.thread.host, live_server.thread.port
    sock = socket.create_connection((host, port), timeout=30)
    head = (
        f"PUT /api/v1/studio/uploads/{upload_id}/chunk?offset={offset} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nAuthorization: Token {token}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def answer_of(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """Read the whole response (the server closes the connection) into its status and JSON body."""
    raw = b""
    while data := sock.recv(65536):
        raw += data
    sock.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body or b"{}")


def test_a_stalled_chunk_upload_blocks_no_one_and_is_dropped_in_bounded_time(
    live_server, settings, parts_dir
):
    creator = CreatorFactory.create()
    token = token_for(creator.user)
    upload_id = start_upload(live_server.url, token, size=1000)
    videos = [published_video() for _ in range(3)]
    viewers = [token_for(UserFactory.create()) for _ in range(13)]

    stalled_at = time.monotonic()
    slow = send_chunk_head(
        live_server, token=token, upload_id=upload_id, offset=0, length=1000, body=b"x" * 10
    )
    time.sleep(0.5)  # the server is now waiting for the other 990 bytes

    def for_you(_: int) -> int:
        return requests.get(f"{live_server.url}/api/v1/feeds/for-you", timeout=60).status_code

    def signals(n: int) -> int:
        event = {"event_id": str(uuid.uuid4()), "video": str(videos[n % 3].public_id), "kind": "impression"}
        return requests.post(
            f"{live_server.url}/api/v1/signals",
            json={"events": [{**event, "source": "for_you"}]},
            headers={"Authorization": f"Token {viewers[n]}"},
            timeout=60,
        ).status_code

    def me(n: int) -> int:
        return requests.put(
            f"{live_server.url}/api/v1/me",
            json={"display_name": f"Viewer {n}", "country": "", "region": "", "is_private": False},
            headers={"Authorization": f"Token {viewers[n]}"},
            timeout=60,
        ).status_code

    calls = (
        [(for_you, n) for n in range(7)] + [(signals, n) for n in range(7)] + [(me, n) for n in range(7, 13)]
    )
    try:
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            codes = list(pool.map(lambda call: call[0](call[1]), calls))
        others_took = time.monotonic() - began
        assert codes == [200] * 20, codes
        assert others_took < settings.UPLOAD_CHUNK_READ_TIMEOUT_SECONDS  # nobody waited for the slow client
        # The slow client is still connected: the server drops it once a read waits too long.
        status, body = answer_of(slow)
    finally:
        slow.close()
    dropped_after = time.monotonic() - stalled_at
    assert status == 400
    assert body == {"detail": "The chunk stopped arriving; resume from the last offset.", "code": "invalid"}
    assert (
        settings.UPLOAD_CHUNK_READ_TIMEOUT_SECONDS
        <= dropped_after
        < settings.UPLOAD_CHUNK_READ_TIMEOUT_SECONDS + 5
    )
    session = UploadSession.objects.get()
    assert session.received == 0  # the 10 bytes that came were not counted as progress
    assert upload_part_path(session).read_bytes() == b""
    assert sorted(path.name for path in parts_dir.iterdir()) == [upload_part_path(session).name]


def test_two_chunks_racing_for_one_offset_store_exactly_one(live_server, parts_dir):
    creator = CreatorFactory.create()
    token = token_for(creator.user)
    upload_id = start_upload(live_server.url, token, size=2000)
    first, second = b"a" * 1000, b"b" * 1000
    # Both are past the offset check and reading their bodies before either finishes.
    sockets = [
        send_chunk_head(live_server, token=token, upload_id=upload_id, offset=0, length=1000, body=data[:999])
        for data in (first, second)
    ]
    time.sleep(0.5)  # slow clients: both bodies stay one byte short for a while, as a slow phone's would
    for sock, data in zip(sockets, (first, second), strict=True):
        sock.sendall(data[999:])
    answers = [answer_of(sock) for sock in sockets]

    assert sorted(status for status, _ in answers) == [200, 409]
    winner = first if answers[0][0] == 200 else second
    loser_body = answers[1][1] if answers[0][0] == 200 else answers[0][1]
    assert loser_body["received"] == 1000
    session = UploadSession.objects.get()
    assert session.received == 1000
    assert upload_part_path(session).read_bytes() == winner
    assert sorted(path.name for path in parts_dir.iterdir()) == [upload_part_path(session).name]
