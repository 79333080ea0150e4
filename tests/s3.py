"""A real S3-compatible server (moto) on loopback for the media-on-S3 tests, and a fresh bucket per test."""

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from devtools.bench.throwaway import free_port
from platform.settings.base import s3_media_storage
from tests.waiting import eventually

# S3 refuses parts under 5 MiB but the last; the test clips are smaller, so the server and the site
# both take this lower minimum (moto reads it from S3_UPLOAD_PART_MIN_SIZE) and the rule stays enforced.
PART_MIN_BYTES = 64 * 1024
QUERYSTRING_EXPIRE = 120


@dataclass(frozen=True, kw_only=True)
class S3Media:
    bucket: str
    endpoint: str
    client: Any
    env: dict[str, str]  # for worker and web processes: the same bucket through platform/settings

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def multipart_uploads(self) -> list[str]:
        listed = self.client.list_multipart_uploads(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Uploads", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[str]:
    """moto's server in its own process; a test that needs it fails (never skips) when it cannot start.
    It logs every request: to a file, as a pipe nobody reads would fill and stall it."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env={**os.environ, "S3_UPLOAD_PART_MIN_SIZE": str(PART_MIN_BYTES)},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:

        def listens() -> bool:
            if server.poll() is not None:
                raise AssertionError(f"moto's S3 server exited: {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return True

        eventually(listens, timeout=30, what="moto's S3 server to listen")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def s3_media(settings, s3_server, monkeypatch) -> S3Media:
    """Media (and resumable uploads) on a fresh bucket of the loopback S3 server, with dummy credentials."""
    bucket = f"joyreel-{uuid.uuid4().hex[:12]}"
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_QUERYSTRING_EXPIRE": str(QUERYSTRING_EXPIRE),
        "UPLOAD_PART_MIN_BYTES": str(PART_MIN_BYTES),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    # What platform/settings builds from the same variables (as the worker and web processes do).
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage()}
    settings.UPLOAD_PART_MIN_BYTES = PART_MIN_BYTES
    return S3Media(bucket=bucket, endpoint=s3_server, client=client, env=env)
