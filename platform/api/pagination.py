"""Cursor pagination, the API's default: stable under inserts and cheap at any depth."""

from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    ordering = "-pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
