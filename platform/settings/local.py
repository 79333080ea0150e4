"""Embedded defaults for ``make run``: DEBUG, SQLite and a filesystem Celery broker under ``var/``."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-only-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The embedded defaults keep all state under var/; make sure its folders exist.
for folder in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    folder.mkdir(parents=True, exist_ok=True)
