"""Inlines that show related rows as a record, never as a form: changes go through services."""

from typing import Any

from django.http import HttpRequest


class RecordInline:
    """Mix into a ``TabularInline`` that names its ``fields``: every field read-only, no add, no delete."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(getattr(self, "fields", None) or ())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
