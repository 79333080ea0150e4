"""Cursor pagination, the API's default: stable under inserts and cheap at any depth."""

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from platform.api.query import MAX_PAGE_SIZE, PageQuerySerializer, query_of, query_schema_parameters


class ValidatedCursorPagination(CursorPagination):
    """A cursor that is not one we gave is a 400 on ``cursor`` (DRF answers 404, as if the list were
    missing)."""

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise serializers.ValidationError(
                {"cursor": ["Not a cursor this API gave: use the previous page's `next`."]}, code="invalid"
            ) from error


class DefaultCursorPagination(ValidatedCursorPagination):
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
