"""Input serializers that read a JSON body's types as the schema states them.

DRF coerces what a field is given: ``0`` becomes the text ``"0"``, ``0`` and ``"yes"`` the boolean ``False``
and ``True``, ``"3"`` the number 3, an integer a UUID. The schema says a text field is a string, a flag a
boolean and a number a number, and a client that sends otherwise has a bug it should hear about. A form
or a query string carries only text, so its values are left to DRF's coercion, as before.
"""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty

# Each field class, and the JSON types its value must have (the first class a field is an instance of).
JSON_TYPES: tuple[tuple[type[serializers.Field[Any, Any, Any, Any]], tuple[type, ...]], ...] = (
    (serializers.BooleanField, (bool,)),
    (serializers.CharField, (str,)),  # and its kinds: email, regex, slug, URL
    (serializers.UUIDField, (str,)),
    (serializers.IntegerField, (int, float)),  # 3.0 is an integer in JSON; DRF refuses 3.5
    (serializers.FloatField, (int, float)),
)


def _invalid(field: serializers.Field[Any, Any, Any, Any]) -> list[ErrorDetail]:
    return [
        ErrorDetail(str(field.error_messages.get("invalid", gettext("Not a valid value."))), code="invalid")
    ]


def _value_errors(field: serializers.Field[Any, Any, Any, Any], value: Any) -> Any:
    """The type errors of one value for ``field`` (nested by key or index), or None."""
    if value is None:
        return None  # DRF answers for null: allowed or "may not be null"
    if isinstance(field, serializers.Serializer):
        return type_errors(field.fields, value) if isinstance(value, dict) else None
    if isinstance(field, serializers.ListSerializer | serializers.ListField) and isinstance(value, list):
        child = field.child
        errors = {index: _value_errors(child, each) for index, each in enumerate(value)} if child else {}
        return {index: each for index, each in errors.items() if each} or None
    if isinstance(field, serializers.DictField) and isinstance(value, dict):
        errors = {key: _value_errors(field.child, each) for key, each in value.items()}
        return {key: each for key, each in errors.items() if each} or None
    if isinstance(field, serializers.MultipleChoiceField):
        return None
    if isinstance(field, serializers.ChoiceField):  # text choices are text (a blank {} is no blank "")
        if isinstance(value, str) or not all(isinstance(key, str) for key in field.choices):
            return None
        message = str(field.error_messages["invalid_choice"]).format(input=value)
        return [ErrorDetail(message, code="invalid_choice")]
    for kind, types in JSON_TYPES:
        if isinstance(field, kind):
            is_number_for_text = isinstance(value, bool) and bool not in types
            return _invalid(field) if is_number_for_text or not isinstance(value, types) else None
    return None


def type_errors(fields: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Each writable field's type errors in ``data`` (a JSON object), by field name."""
    errors = {}
    for field in fields.values():
        if field.read_only or field.field_name not in data:
            continue
        problem = _value_errors(field, data[field.field_name])
        if problem:
            errors[field.field_name] = problem
    return errors


class JsonInputSerializer(serializers.Serializer[Any]):
    """An input serializer whose JSON body's values must have the types the schema states; each
    mistyped field is a 400 ``invalid`` beside the fields' other errors. Nested serializers and lists
    are checked from here: only the outermost needs to be one."""

    def to_internal_value(self, data: Any) -> Any:
        is_json = isinstance(data, dict) and not isinstance(data, QueryDict)
        problems = type_errors(self.fields, data) if is_json and data is not empty else {}
        try:
            value = super().to_internal_value(data)
        except ValidationError as error:
            if not problems or not isinstance(error.detail, dict):
                raise
            raise ValidationError({**error.detail, **problems}) from error
        if problems:
            raise ValidationError(problems)
        return value
