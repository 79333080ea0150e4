"""App configuration of the core app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "platform"
    label = "platform"
    verbose_name = _("Joyreel platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Load the Celery app with Django so that shared tasks bind to it
        # (kept out of platform/__init__.py, which must not import Django).
        from . import celery  # noqa: F401
        from .personal_data import PLATFORM_FILES, platform_erase, platform_export, register_personal_data

        register_personal_data(
            app="platform", exporter=platform_export, eraser=platform_erase, files=PLATFORM_FILES
        )
