"""WSGI entry point for gunicorn: ``python -m gunicorn platform.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings.production")

application = get_wsgi_application()
