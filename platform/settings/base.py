"""Settings shared by every environment, read once through django-environ.

Every value that differs between a laptop and production comes from the
environment; the defaults here are the embedded ones (SQLite and a filesystem
Celery broker under ``var/``) so that ``make run`` needs no configuration.
"""

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ

from platform.cache import cache_settings
from platform.logging import logging_config

# Lets generic classes such as ModelAdmin[User] be subscripted at run time, as django-stubs types them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("JOYREEL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real deployments set the environment directly

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, with the moderation home as admin.site (platform/admin_site.py).
    "platform.admin_site.JoyreelAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # intcomma and friends: numbers in the page's language (4,166 / 4.166).
    "django.contrib.humanize",
    # Search's PostgreSQL lookups (trigram similarity); nothing of it runs on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    "platform.apps.PlatformConfig",
    "creators.apps.CreatorsConfig",
    "feeds.apps.FeedsConfig",
    "businesses.apps.BusinessesConfig",
]

MIDDLEWARE = [
    # First: every later middleware's responses and log lines carry the request id.
    "platform.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the django_language cookie (the switcher sets it), else Accept-Language; URLs stay
    # the same in every language (no i18n_patterns).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's saved language wins over the cookie and the browser's.
    "platform.languages.AccountLanguageMiddleware",
    # After authentication: an anonymous visitor's key cookie is set or, once logged in, dropped.
    "platform.middleware.ViewerCookieMiddleware",
    "platform.middleware.SuspensionMiddleware",
    # A view refused at the day's screen-time limit answers the limit's page (its process_exception).
    "platform.middleware.ScreenTimeLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "platform.urls"
WSGI_APPLICATION = "platform.wsgi.application"
ASGI_APPLICATION = "platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE for <html lang> and the language switcher.
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "platform.context_processors.notifications_badge",
            ],
        },
    },
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'joyreel.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Connections outlive a request (each gunicorn thread keeps its own): opening one cost a connect on
# PostgreSQL and the pragmas above on SQLite, per request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "platform.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out requests before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Log-in rate limiting: after AXES_FAILURE_LIMIT failures for one email from
# one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "platform.views.login_locked_out"
# Reverse proxies in front of the site that append to X-Forwarded-For (none by default: the client's
# address is the socket's). Throttles and log-in lockouts read the address through the same count,
# so a forged header cannot reset them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
# The languages the site is translated into (locale/<code>/LC_MESSAGES); each name in its own language.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# English dates as "6 December 2026" (platform/formats/en); German uses Django's ("6. Dezember 2026").
FORMAT_MODULE_PATH = ["platform.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_media_storage() -> dict[str, Any]:
    """S3-compatible object storage for media, from the AWS_* variables (credentials too: django-storages
    reads those itself). The tests build their loopback bucket's storage with it as well."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            # SigV4: the presigned URL says its own lifetime (X-Amz-Expires), and every region takes it.
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            # Players get presigned URLs that stop working after this long (S3 serves Range on them).
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "file_overwrite": False,
        },
    }


if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = s3_media_storage()

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Joyreel <no-reply@joyreel.localhost>")
# Where the site is, for links in emails (which have no request to take the host from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Celery: embedded filesystem broker under var/ unless CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery" / "broker"
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        f"file://{VAR_DIR / 'celery' / 'results'}"
        if CELERY_BROKER_URL.startswith("filesystem")
        else CELERY_BROKER_URL
    ),
)
CELERY_BEAT_SCHEDULE_FILE = VAR_DIR / "celery" / "beat-schedule"
# No caller reads a task's result but the health ping (which asks for its own). With results kept, every
# send also subscribed to the result's channel on Redis and every finished task wrote one: two round trips
# in each request that queues a task (posting a comment) and a write per task in the worker.
CELERY_TASK_IGNORE_RESULT = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so unauthenticated API calls get 401 with a WWW-Authenticate header.
        "platform.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "platform.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error boundary: services raise domain errors, this maps them to one shape and status.
    "EXCEPTION_HANDLER": "platform.api.exception_handlers.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Ours: nested or oversized JSON is a 400 / 413 in the API's error shape, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "platform.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("API_AUTH_THROTTLE", default="20/min"),
        "signals": env.str("API_SIGNALS_THROTTLE", default="600/min"),
        "reports": env.str("API_REPORTS_THROTTLE", default="30/hour"),
        # Comment writes (likes, pins, edits); posting has its own limits (10 a minute, 200 a day).
        "comments": env.str("API_COMMENTS_THROTTLE", default="120/min"),
        # Search and its suggestions as one types (a request per pause in typing).
        "search": env.str("API_SEARCH_THROTTLE", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joyreel API",
    "DESCRIPTION": "Short videos ranked by interest, not follower counts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents each error status it can answer, with the one error shape
    # (platform/api/exception_handlers.py), and reads JSON whose text refuses null characters;
    # every operation is tagged with its area, by path (platform.api.schema.OPERATION_AREAS).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "platform.api.schema.error_responses",
        "platform.api.schema.request_inputs",
        "platform.api.schema.operation_tags",
    ],
    # Choice sets shared by several fields get one name.
    "ENUM_NAME_OVERRIDES": {
        "CommentStateEnum": "creators.comments.serializers.COMMENT_STATES",
        "CommentPolicyEnum": "creators.comments.models.CommentPolicy",
    },
    # The docs' areas, in reading order.
    "TAGS": [
        {"name": "Accounts", "description": "Sign up, log in and out, your own account, and the regions."},
        {
            "name": "Feeds",
            "description": "For You, Following, Local and the topic feeds, ranked per viewer and paged by "
            "cursor; the topics.",
        },
        {
            "name": "Search",
            "description": "Videos, creators and hashtags by words (typos and accents forgiven), ranked "
            "for the viewer; suggestions as one types.",
        },
        {
            "name": "Signals",
            "description": "What the player saw and did (impressions, watching, likes, shares, "
            '"not for me"), in batches; the feeds learn from them at once.',
        },
        {"name": "Creators and videos", "description": "Creators' public profiles and videos, following."},
        {
            "name": "Comments",
            "description": "A video's comments and replies: post, edit, delete, like; the creator pins, "
            "hides and approves.",
        },
        {
            "name": "Studio",
            "description": "A creator's own profile and videos: edit, publish, retry, delete.",
        },
        {"name": "Uploads", "description": "Resumable uploads in chunks, for the studio."},
        {
            "name": "Analytics",
            "description": "A creator's analytics, read from daily rollups; the CSV export.",
        },
        {
            "name": "Reports and appeals",
            "description": "Reporting a video or an account; moderation decisions and appeals against them.",
        },
        {"name": "Business", "description": "A business's profile, prices, reach estimates and receipts."},
        {
            "name": "Promotions",
            "description": "Promoting a video: draft, pay, pause, resume, cancel, and the results.",
        },
        {"name": "Blocks and mutes", "description": "Who the viewer blocked or muted."},
        {"name": "Notifications", "description": "The notification centre and its unread count."},
        {"name": "Family and screen time", "description": "The daily screen-time limit and unlocking it."},
    ],
}

# This process's memory by default; CACHE_URL=redis://… shares it between processes and degrades to
# misses when Redis is away (platform/cache.py).
CACHES = {
    "default": cache_settings(
        env.str("CACHE_URL", default=""), timeout=env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# One readable line per record in development; production defaults to JSON lines (LOG_FORMAT=json).
# Either way each record inside a request carries its request id (platform/logging.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(log_format=env.str("LOG_FORMAT", default="plain"), level=LOG_LEVEL)

# /readyz gives each dependency (database, broker, cache, Redis) this long to answer.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)

# Uploads always stream to a temporary file (never held in memory) and stop at the size limit.
FILE_UPLOAD_HANDLERS = ["platform.uploads.LimitedTemporaryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
VIDEO_MAX_UPLOAD_MB = env.int("VIDEO_MAX_UPLOAD_MB", default=512)
VIDEO_MAX_SECONDS = env.float("VIDEO_MAX_SECONDS", default=600.0)
VIDEO_MAX_PIXELS = env.int("VIDEO_MAX_PIXELS", default=4096 * 4096)
# Resumable uploads need no sticky sessions: with media on S3 each chunk is one part of an S3 multipart
# upload; otherwise the part file lives in UPLOAD_PARTS_DIR, by default "upload-parts" under MEDIA_ROOT
# (the disk the web machines already share). Empty means that default, worked out when used.
UPLOAD_PARTS_DIR = env.str("UPLOAD_PARTS_DIR", default="")
UPLOAD_CHUNK_MAX_BYTES = 8 * 1024 * 1024
# S3 refuses a multipart part under 5 MiB unless it is the last: on S3 every chunk but the last must be
# at least this long (the studio sends UPLOAD_CHUNK_MAX_BYTES). Tests lower it together with moto's own.
UPLOAD_PART_MIN_BYTES = env.int("UPLOAD_PART_MIN_BYTES", default=5 * 1024 * 1024)
# One creator's open resumable uploads (not finished, cancelled or expired): at most this many, declaring at
# most this many bytes together, so nobody can reserve the media disk with sessions they never fill.
UPLOAD_SESSIONS_MAX_OPEN = env.int("UPLOAD_SESSIONS_MAX_OPEN", default=3)
UPLOAD_SESSIONS_MAX_MB = env.int("UPLOAD_SESSIONS_MAX_MB", default=2 * VIDEO_MAX_UPLOAD_MB)
# A chunk whose client sends nothing for this long is dropped (its bytes are not kept).
UPLOAD_CHUNK_READ_TIMEOUT_SECONDS = env.float("UPLOAD_CHUNK_READ_TIMEOUT_SECONDS", default=10.0)
# Media work holds a lease on its video, refreshed every VIDEO_WORK_HEARTBEAT_SECONDS while the worker
# lives; after VIDEO_WORK_LEASE_SECONDS without a refresh (six missed beats) the work is taken for dead
# and re-queued (by the recovery job every 30 s and a worker's start-up), whatever the broker does.
VIDEO_WORK_HEARTBEAT_SECONDS = env.float("VIDEO_WORK_HEARTBEAT_SECONDS", default=10.0)
VIDEO_WORK_LEASE_SECONDS = env.float("VIDEO_WORK_LEASE_SECONDS", default=60.0)
# Scratch folders of running media work; a worker starting up removes those whose process died.
VIDEO_WORK_DIR = Path(env.str("VIDEO_WORK_DIR", default=str(VAR_DIR / "work")))

# Joyreel's own knobs.
SIGNUP_AGE_BLOCK_SECONDS = env.int("SIGNUP_AGE_BLOCK_SECONDS", default=60 * 60 * 24)

# Feeds: the in-memory candidate catalog and the ranking's knobs.
FEED_CATALOG_TTL_SECONDS = env.int("FEED_CATALOG_TTL_SECONDS", default=60)
FEED_CATALOG_SYNC_REFRESH = env.bool("FEED_CATALOG_SYNC_REFRESH", default=False)
FEED_POOL_SIZE = env.int("FEED_POOL_SIZE", default=400)
# Candidate pools shared by every web process (redis://…); empty: each process keeps its own catalog.
FEED_POOLS_URL = env.str("FEED_POOLS_URL", default="")
FEED_POOLS_TIMEOUT_SECONDS = env.float("FEED_POOLS_TIMEOUT_SECONDS", default=0.25)
# After Redis failed to answer, feeds read the database for this long before trying it again.
FEED_POOLS_RETRY_SECONDS = env.float("FEED_POOLS_RETRY_SECONDS", default=5.0)
FEED_EXPLORE_MAX_IMPRESSIONS = env.int("FEED_EXPLORE_MAX_IMPRESSIONS", default=50)
FEED_PAGE_SIZE = 20
SIGNAL_BATCH_MAX = 100
SIGNAL_RETENTION_DAYS = env.int("SIGNAL_RETENTION_DAYS", default=30)

# Payments: every Stripe call goes through businesses/gateway.py. Without STRIPE_SECRET_KEY the
# embedded localstripe (a fake Stripe that `make run` starts on loopback) stands in for Stripe.
LOCALSTRIPE_PORT = env.int("LOCALSTRIPE_PORT", default=8420)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_IS_LOCAL = not STRIPE_SECRET_KEY
STRIPE_WEBHOOK_SECRET_FILE = VAR_DIR / "stripe-webhook-secret"


def _installation_secret(path: Path, *, prefix: str) -> str:
    """A random secret of this installation, made once and kept (owner-only) in ``path``.

    A secret that ships with the code is no secret: anyone could sign webhooks with it. The web
    process, localstripe and the demo seed all read the same file, so they agree without setup.
    Written to a temporary file and linked into place, so a process starting at the same moment
    never reads a half-written secret: the first link wins, the others read it."""
    try:
        kept = path.read_text().strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    made = prefix + secrets.token_urlsafe(32)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(made + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            kept = path.read_text().strip()
            if kept:
                return kept
            os.replace(temporary, path)  # an empty file is no secret: replace it
            temporary = ""
    finally:
        if temporary:
            os.unlink(temporary)
    return made


if STRIPE_IS_LOCAL:
    # localstripe accepts any key of the right shape and signs webhooks with the secret it is given.
    STRIPE_SECRET_KEY = "sk_test_localstripe"  # noqa: S105  (not a secret: localstripe takes any sk_ key)
    STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    # Read (or made) only when the environment gives none: a small file under var/, not work at import.
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="") or _installation_secret(
        STRIPE_WEBHOOK_SECRET_FILE, prefix="whsec_"
    )
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=f"http://127.0.0.1:{LOCALSTRIPE_PORT}")
else:
    STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY")  # no default: real keys come as a set
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")

# Promotions: money is integer minor units of PROMOTION_CURRENCY; the published prices per 1,000
# sponsored impressions, for the automatic audience and for a custom one.
PROMOTION_CURRENCY = env.str("PROMOTION_CURRENCY", default="eur")
PROMOTION_BUDGET_MIN_CENTS = env.int("PROMOTION_BUDGET_MIN_CENTS", default=10_00)
PROMOTION_BUDGET_MAX_CENTS = env.int("PROMOTION_BUDGET_MAX_CENTS", default=10_000_00)
PROMOTION_CPM_CENTS = env.int("PROMOTION_CPM_CENTS", default=6_00)
PROMOTION_CPM_CUSTOM_CENTS = env.int("PROMOTION_CPM_CUSTOM_CENTS", default=8_00)
PROMOTION_MAX_DAYS = 60
# Serving: the same promotion at most this many times per viewer per day; each web process reloads
# the active promotions (and their spend, for pacing) this often.
PROMOTION_FREQUENCY_CAP = 3
PROMOTION_SNAPSHOT_SECONDS = env.float("PROMOTION_SNAPSHOT_SECONDS", default=5.0)
