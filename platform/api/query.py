"""Query parameters read through serializers: one class both validates a request's query and documents
it in the schema (``@extend_schema(parameters=[TheQuerySerializer])``), so the two cannot drift."""

import functools
from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 100


def query_of(request: Request, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
    """The validated query, or a 400 in the field-error shape (``{"page_size": [...], "codes": {...}}``).

    ``?page_size=`` (given, but blank) is refused where the field does not allow blank: DRF would take it
    as not given, which the schema (an integer, a date) does not allow.

    A request without a query (a feed's first page: most of them) gets what the serializer made of an
    empty query the first time, without building the serializer again (a copy of its fields each time)."""
    if not request.query_params:
        answer = _empty_queries.get(serializer_class)
        if answer is None:
            answer = _validated(serializer_class, {})
            if _answers_empty_alike(serializer_class):
                _empty_queries[serializer_class] = answer
        return dict(answer)
    return _validated(serializer_class, request.query_params)


# What each query serializer made of an empty query, for those whose answer to it cannot change.
_empty_queries: dict[type[serializers.Serializer[Any]], dict[str, Any]] = {}


@functools.cache
def _answers_empty_alike(serializer_class: type[serializers.Serializer[Any]]) -> bool:
    """Whether an empty query always validates to the same values: no ``validate`` of its own (nor
    per field) and no field whose default is computed (today's date, say). Asked once per class."""
    fields = serializer_class().fields
    return (
        serializer_class.validate is serializers.Serializer.validate
        and not any(hasattr(serializer_class, f"validate_{name}") for name in fields)
        and not any(field.default is not empty and callable(field.default) for field in fields.values())
    )


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    blank = {
        name: [serializers.ErrorDetail(gettext("This field may not be blank."), code="blank")]
        for name, field in serializer.fields.items()
        if data.get(name) == "" and not getattr(field, "allow_blank", False)
    }
    if blank:
        raise serializers.ValidationError(blank)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def query_schema_parameters(
    view: APIView, serializer_class: type[serializers.Serializer[Any]]
) -> list[dict[str, Any]]:
    """OpenAPI query parameters from a query serializer, for the classes drf-spectacular asks for dicts
    (paginators); views pass the serializer class to ``@extend_schema`` instead."""
    schema = getattr(view, "schema", None)
    parameters = []
    for name, field in serializer_class().fields.items():
        # drf-spectacular's own mapping of a field (types, minimum/maximum, lengths, enums, patterns).
        mapped = schema._map_serializer_field(field, "request") if schema is not None else {"type": "string"}
        mapped.pop("description", None)  # the parameter's, below
        parameter: dict[str, Any] = {
            "name": name,
            "required": field.required,
            "in": "query",
            "schema": mapped,
        }
        if field.help_text:
            parameter["description"] = str(field.help_text)
        parameters.append(parameter)
    return parameters


class CursorQuerySerializer(serializers.Serializer[Any]):
    cursor = serializers.CharField(
        required=False, allow_blank=True, help_text="From the previous page's `next`."
    )


class PageQuerySerializer(CursorQuerySerializer):
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"How many results per page (1 to {MAX_PAGE_SIZE}; 20 if not given).",
    )
