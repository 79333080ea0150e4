"""The developer tooling as a Django app, so its management commands are found where it is installed."""

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "devtools"
    label = "devtools"
    verbose_name = "Developer tools"
