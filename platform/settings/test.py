"""Settings for the test suite: the local defaults, with fast password hashing and no real mail."""

from .local import *  # noqa: F403
from .local import env

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-test-only")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
