"""Embedded defaults for ``make run``: SQLite and a filesystem Celery broker under ``var/``, DEBUG off.

The demo answers like production: the site's own 404 and 500 pages, never Django's technical pages
(they list every URL pattern and the settings). Developers who want them set DJANGO_DEBUG=1.
"""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# The developer tooling (benchmarks, demo seeding, synthetic data): here and in the test settings, which
# start from these; production settings start from base and never install it.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools.apps.DevtoolsConfig"]

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-only-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# runserver serves no static files with DEBUG off (and whitenoise.runserver_nostatic hands them to
# whitenoise anyway): whitenoise serves them straight from the finders, without collectstatic, and
# picks up a file changed or added while the server runs.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The embedded defaults keep all state under var/; make sure its folders exist.
for folder in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    folder.mkdir(parents=True, exist_ok=True)
