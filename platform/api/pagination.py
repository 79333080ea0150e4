"""Cursor pagination, the API's default: stable under inserts and cheap at any depth."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from platform.api.query import MAX_PAGE_SIZE, PageQuerySerializer, query_of, query_schema_parameters


class OpaqueCursorPagination(CursorPagination):
    """A cursor is opaque: one this API did not give (unreadable, or naming a position of the wrong kind
    for the ordering field) starts at the first page, as the feeds' own cursors do, where DRF answered
    404 for the first and the database a 500 for the second. The schema says so (any string)."""

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> Any:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            return None
        if cursor is None or cursor.position is None or self._is_position(str(cursor.position)):
            return cursor
        return None

    def _is_position(self, position: str) -> bool:
        """Whether ``position`` is a value of the ordering's first field, which the cursor filters on."""
        name = self.ordering[0].lstrip("-")
        meta = self._model._meta
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return True  # a related path: left to the database
        if not isinstance(field, models.Field):
            return True
        try:
            field.run_validators(field.to_python(position))
        except DjangoValidationError:
            return False
        return True


class DefaultCursorPagination(OpaqueCursorPagination):
    """``?page_size=`` outside 1..100 or not a whole number is a 400, not silently the default: the
    schema's parameters and this check are the same serializer (``PageQuerySerializer``)."""

    ordering = "-pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        given: int | None = query_of(request, PageQuerySerializer).get("page_size")
        return given if given is not None else self.page_size

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return query_schema_parameters(view, PageQuerySerializer)
