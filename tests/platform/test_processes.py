"""Things that need a fresh interpreter: the stdlib ``platform`` shim, the Celery worker, deploy checks."""

import secrets
import subprocess
import sys
import uuid

import pytest

from tests.workers import ROOT, clean_environ, start_worker, stop_worker

pytestmark = pytest.mark.processes


def run_python(*args, env=None, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean_environ(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_stdlib_platform_and_uuid_still_work_from_the_project_root():
    code = (
        "import platform, uuid, sys;"
        "assert platform.__file__.endswith('platform/__init__.py'), platform.__file__;"
        "print(platform.system(), platform.python_version(), platform.machine());"
        "print(uuid.uuid4().version)"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    system, version, machine = result.stdout.splitlines()[0].split()
    assert system == __import__("platform").system()
    assert version == ".".join(str(part) for part in sys.version_info[:3])
    assert machine
    assert result.stdout.splitlines()[1] == "4"


def test_celery_app_starts_in_a_fresh_interpreter():
    code = (
        "import django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'platform.settings.test');"
        "django.setup();"
        "from platform.celery import app;"
        "app.loader.import_default_modules();"
        "print(sorted(q.name for q in app.conf.task_queues));"
        "print('platform.tasks.ping_task' in app.tasks, app.conf.task_acks_late, app.conf.task_serializer)"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['default', 'media']", "True True json"]


def test_a_real_worker_process_runs_a_task(tmp_path):
    from platform.tasks import ping_task

    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(media_root=tmp_path, queues=queue)
    try:
        result = ping_task.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"
    finally:
        output = stop_worker(worker)
    assert "Traceback" not in output


def test_only_the_ping_asks_the_result_backend_to_follow_its_result(monkeypatch):
    """A result kept costs a subscription on Redis at every send and a write in the worker; no caller
    but the health ping reads one."""
    from creators.tasks import comment_followup_task
    from platform.celery import app
    from platform.tasks import ping_task

    followed: list[str] = []
    monkeypatch.setattr(app.backend, "on_task_call", lambda producer, task_id: followed.append(task_id))
    queue = f"test-{uuid.uuid4().hex[:8]}"  # nobody consumes it
    followup = comment_followup_task.apply_async(
        kwargs={"comment_id": -1, "is_new": True, "notify": False}, queue=queue
    )
    ping = ping_task.apply_async(queue=queue)
    assert followed == [ping.id]
    assert followup.id != ping.id


# What production settings need of Stripe to start: test values, and an API base nobody answers on.
STRIPE_TEST_ENVIRON = {
    "STRIPE_SECRET_KEY": "sk_test_deploy_check",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_deploy_check",
    "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}",
    "STRIPE_API_BASE": "http://127.0.0.1:9",
}


def test_production_settings_pass_the_deploy_check():
    env = {
        "DJANGO_SETTINGS_MODULE": "platform.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "joyreel.example",
        **STRIPE_TEST_ENVIRON,
    }
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"],
)
def test_production_settings_refuse_to_start_without_secrets(missing):
    env = {key: value for key, value in clean_environ().items() if key not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "platform.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "joyreel.example",
            **STRIPE_TEST_ENVIRON,
        }
    )
    del env[missing]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
