"""Settings for the test suite: the local defaults, with fast password hashing and no real mail."""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .local import *  # noqa: F403
from .local import CELERY_BROKER_URL, CELERY_RESULT_BACKEND, STORAGES, VAR_DIR, env


def redis_database_for_worker(url: str, *, worker: str) -> str:
    """``url`` with its Redis database number moved up by the xdist worker's index (gw0 keeps it)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if number > 15:  # Redis's default number of databases
        raise ImproperlyConfigured(f"{url}: too many xdist workers for one database each")
    return urlunsplit(parts._replace(path=f"/{number}"))


SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-test-only")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Media on disk, unless a test hands AWS_STORAGE_BUCKET_NAME (its loopback S3 server's bucket) to the
# worker or web processes it starts.
STORAGES = {
    "default": STORAGES["default"]
    if env.str("AWS_STORAGE_BUCKET_NAME", default="")
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# pytest-xdist runs the suite in worker processes gw0, gw1, …: each has its own test database
# (pytest-django suffixes its name), broker and scratch folders. The worker and web processes a test
# starts inherit PYTEST_XDIST_WORKER, so they use the same ones as the test that started them.
XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
TEST_STATE_DIR = VAR_DIR / (f"celery-test-{XDIST_WORKER}" if XDIST_WORKER else "celery-test")

# A file-based SQLite test database, so a real Celery worker process started by a
# test can open the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-joyreel.sqlite3")}

# The test suite's own broker folder, so a `make run` worker never takes its messages.
CELERY_BROKER_DIR = TEST_STATE_DIR / "broker"
if CELERY_RESULT_BACKEND.startswith("file://"):
    CELERY_RESULT_BACKEND = f"file://{TEST_STATE_DIR / 'results'}"
if XDIST_WORKER and CELERY_BROKER_URL.startswith("redis") and "JOYREEL_BROKER_OF_WORKER" not in os.environ:
    # On a shared Redis (CI) each xdist worker's queues live in a database of their own, or one
    # worker's Celery process would take another's tasks (whose rows are in another test database).
    CELERY_BROKER_URL = redis_database_for_worker(CELERY_BROKER_URL, worker=XDIST_WORKER)
    # Celery reads CELERY_BROKER_URL from the environment before its settings; the processes a test
    # starts inherit both variables and keep this URL rather than move it up again.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    os.environ["JOYREEL_BROKER_OF_WORKER"] = XDIST_WORKER

CELERY_BEAT_SCHEDULE_FILE = TEST_STATE_DIR / "beat-schedule"

# Every feed request sees the database as it is now.
FEED_CATALOG_SYNC_REFRESH = True

# Browser tests wait for the live server's requests to finish before the database is flushed.
MIDDLEWARE = ["tests.inflight.InFlightMiddleware", *MIDDLEWARE]
