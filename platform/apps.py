"""App configuration of the core app."""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "platform"
    label = "platform"
    verbose_name = "Joyreel platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Load the Celery app with Django so that shared tasks bind to it
        # (kept out of platform/__init__.py, which must not import Django).
        from . import celery  # noqa: F401
