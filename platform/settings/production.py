"""Production settings: everything secret or host-specific must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from platform.logging import logging_config

from .base import *  # noqa: F403
from .base import DATABASES, LOG_LEVEL, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuse to start without it
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs SECRET_KEY and ALLOWED_HOSTS in the environment.")
# Real Stripe only: without its keys the base settings fall back to the embedded localstripe, whose
# "payments" are free. Asked of the environment itself, so a default can never stand in for one.
_STRIPE_MISSING = [
    name
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
    if not env.str(name, default="")
]
if _STRIPE_MISSING:
    raise ImproperlyConfigured(f"Production needs {', '.join(_STRIPE_MISSING)} in the environment.")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "platform.static_storage.StaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Probes talk plain HTTP to the process itself, behind the TLS-terminating proxy: no redirect for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# JSON lines on stderr, one per record, with the request or task id (LOG_FORMAT=plain to read by eye).
LOGGING = logging_config(log_format=env.str("LOG_FORMAT", default="json"), level=LOG_LEVEL)
# Celery workers log through LOGGING too (JSON with the task id), instead of their own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is fine for one machine; say so loudly rather than guess.
    import logging

    logging.getLogger(__name__).warning("Production settings are running on SQLite.")
