"""Production serving: /readyz, request ids on responses and log lines, gunicorn with the project's
config, and the production Procfile."""

import io
import json
import logging
import logging.config
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from devtools.bench.throwaway import free_port
from platform.logging import ContextFilter, logging_config
from tests.waiting import eventually
from tests.workers import ROOT, clean_environ, closed_port, database_url

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


def _redis_in_use() -> bool:
    return str(django_settings.CELERY_BROKER_URL).startswith("redis") or str(
        django_settings.CACHES["default"]["BACKEND"]
    ).endswith("RedisCache")


@contextmanager
def _silent_server():
    """A loopback port that accepts connections (the kernel's backlog) and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()  # resets the waiting connections, so a check still blocked on one ends


@contextmanager
def _json_log_lines():
    """The lines the project's console handler writes while inside, formatted as in production (JSON)."""
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, ContextFilter) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    config = logging_config(log_format="json", level="INFO")
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        dict(config["formatters"]["json"])
    )
    stream = io.StringIO()
    old_stream, old_formatter = handler.setStream(stream), handler.formatter
    handler.setFormatter(formatter)
    lines: list[dict[str, object]] = []
    try:
        yield lines
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


# --- /readyz -----------------------------------------------------------------------------------------


def test_readyz_is_ok_when_every_part_answers(client):
    response = client.get(reverse("readyz"))
    expected = {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}
    if _redis_in_use():
        expected["redis"] = "ok"
    assert response.status_code == 200
    assert response.json() == expected
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_the_broker_when_nothing_listens_on_its_port(client, settings):
    with closed_port() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get(reverse("readyz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] == "OperationalError"
    assert body["redis"] == "ConnectionError"
    assert elapsed < settings.READINESS_TIMEOUT_SECONDS + 1


def test_readyz_answers_in_time_when_the_broker_hangs(client, settings):
    settings.READINESS_TIMEOUT_SECONDS = 0.5
    with _silent_server() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get(reverse("readyz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["cache"]) == ("ok", "ok")
    assert body["broker"] == "TimeoutError"
    assert body["redis"] == "TimeoutError"
    assert elapsed < 2


def test_healthz_keeps_its_contract_beside_readyz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


# --- request ids -------------------------------------------------------------------------------------


def test_a_requests_log_lines_carry_its_request_id(client):
    with _json_log_lines() as lines:
        logging.getLogger("joyreel.test").warning("outside any request")
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a.42")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-7f3a.42"
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert [(line["level"], line["message"], line["request_id"]) for line in not_found] == [
        ("WARNING", "Not Found: /no-such-page/", "edge-7f3a.42")
    ]
    assert {"timestamp", "level", "logger", "message"} <= set(not_found[0])
    outside = [line for line in lines if line["logger"] == "joyreel.test"]
    assert len(outside) == 1
    assert "request_id" not in outside[0]


def test_each_request_without_an_id_gets_a_fresh_one(client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert HEX_ID.fullmatch(first)
    assert HEX_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "hostile",
    [
        'x", "level": "CRITICAL',
        "two words",
        "a" * 65,
        "<script>alert(1)</script>",
        "id\u00e9",
    ],
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    with _json_log_lines() as lines:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=hostile)
    replaced = response["X-Request-ID"]
    assert HEX_ID.fullmatch(replaced)
    (not_found,) = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["request_id"] == replaced
    assert not_found["level"] == "WARNING"
    assert all(hostile not in json.dumps(line) for line in lines)


def test_a_celery_tasks_log_lines_carry_its_task_id():
    from platform.celery import app

    @app.task(name="tests.platform.test_serving.log_task")
    def log_task() -> None:
        logging.getLogger("joyreel.test").warning("inside a task")

    with _json_log_lines() as lines:
        log_task.apply(task_id="task-5e1f")
        logging.getLogger("joyreel.test").warning("after the task")
    assert [(line["message"], line.get("task_id")) for line in lines if line["logger"] == "joyreel.test"] == [
        ("inside a task", "task-5e1f"),
        ("after the task", None),
    ]


def test_log_format_must_be_json_or_plain():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of json, plain"):
        logging_config(log_format="xml", level="INFO")


# --- gunicorn and the production Procfile --------------------------------------------------------------


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  (a loopback http URL)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db(transaction=True)
@pytest.mark.processes
def test_gunicorn_runs_the_site_with_the_project_config_and_json_access_log(tmp_path):
    port = free_port()
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "platform.settings.test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "PORT": str(port),
        "GUNICORN_BIND": "",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
    }
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform.wsgi"],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr, start_new_session=True,
        )  # fmt: skip

    def readiness():
        try:
            return _get(f"http://127.0.0.1:{port}/readyz", {"X-Request-ID": "probe-1"})
        except OSError:
            assert server.poll() is None, err.read_text()
            return None

    try:
        status, headers, body = eventually(
            readiness, timeout=60, what=f"gunicorn on port {port} (log: {err})"
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert status == 200, body
    assert headers["X-Request-ID"] == "probe-1"
    assert json.loads(body)["status"] == "ok"
    errors = [json.loads(line) for line in err.read_text().splitlines() if line.startswith("{")]
    messages = [line["message"] for line in errors if line["logger"] == "gunicorn.error"]
    assert "Using worker: gthread" in messages
    assert sum(message.startswith("Booting worker") for message in messages) == 2
    access = [json.loads(line) for line in out.read_text().splitlines()]
    (probe,) = [line for line in access if line.get("request_id") == "probe-1"]
    assert {key: probe[key] for key in ("level", "logger", "message", "method", "path", "status")} == {
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "GET /readyz 200",
        "method": "GET",
        "path": "/readyz",
        "status": 200,
    }
    # The same base fields as the app's own JSON lines.
    assert {"timestamp", "level", "logger", "message", "request_id"} <= set(probe)


def test_the_production_procfile_runs_gunicorn_both_queues_and_one_beat():
    from honcho.environ import parse_procfile

    procfile = parse_procfile((Path(ROOT) / "Procfile.prod").read_text())
    commands = procfile.processes
    assert set(commands) == {"web", "worker", "media", "beat"}
    assert commands["web"].endswith("-m gunicorn platform.wsgi")
    assert " -Q default " in commands["worker"]
    assert " -Q media " in commands["media"]
    # One scheduler: no worker embeds beat; beat is a process of its own, as in the development Procfile.
    assert [name for name, command in commands.items() if " beat " in command or "--beat" in command] == [
        "beat"
    ]


def test_admin_pages_of_videos_and_creators_link_no_media_url(client):
    from tests.factories import CreatorFactory, UserFactory, VideoFactory

    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    creator = CreatorFactory.create(avatar_small="avatars/1/a-48.jpg", avatar_large="avatars/1/a-96.jpg")
    video = VideoFactory.create(owner=creator, poster="videos/x/poster.jpg", rendition="videos/x/r.mp4")
    for url in (
        reverse("admin:creators_video_change", args=[video.pk]),
        reverse("admin:creators_creatorprofile_change", args=[creator.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert django_settings.MEDIA_URL not in page.content.decode()  # nothing is served there
    avatar = client.get(reverse("admin:creators_creatorprofile_change", args=[creator.pk])).content.decode()
    assert reverse("creators:avatar", args=[creator.handle, "large"]) in avatar
