"""App configuration of `businesses`."""

from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "businesses"
    default_auto_field = "django.db.models.BigAutoField"
