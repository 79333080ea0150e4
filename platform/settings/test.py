"""Settings for the test suite: the local defaults, with fast password hashing and no real mail."""

from .local import *  # noqa: F403
from .local import CELERY_RESULT_BACKEND, STORAGES, VAR_DIR, env

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

# A file-based SQLite test database, so a real Celery worker process started by a
# test can open the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-joyreel.sqlite3")}

# The test suite's own broker folder, so a `make run` worker never takes its messages.
CELERY_BROKER_DIR = VAR_DIR / "celery-test" / "broker"
if CELERY_RESULT_BACKEND.startswith("file://"):
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-test' / 'results'}"

CELERY_BEAT_SCHEDULE_FILE = VAR_DIR / "celery-test" / "beat-schedule"

# Every feed request sees the database as it is now.
FEED_CATALOG_SYNC_REFRESH = True

# Browser tests wait for the live server's requests to finish before the database is flushed.
MIDDLEWARE = ["tests.inflight.InFlightMiddleware", *MIDDLEWARE]
