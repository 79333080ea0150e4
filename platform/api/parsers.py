"""The API's request parsers: DRF's, made safe against hostile bodies.

DRF's ``JSONParser`` lets ``RecursionError`` from deeply nested JSON escape (a 500), and reads a body
of any size into memory. Here every parse error is a 400 in the API's error shape, and a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 before it is read.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"  # the same code as every other "too large"


def _limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        context = parser_context or {}
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        request = context.get("request")
        limit = _limit()
        meta = getattr(request, "META", {}) if request is not None else {}
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise PayloadTooLarge(_("The request body is larger than %(size)d KB.") % {"size": limit // 1024})
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(_("The request body is larger than %(size)d KB.") % {"size": limit // 1024})
        try:
            text = codecs.decode(raw, encoding)
            return json.loads(text, parse_constant=self._refuse_constant)
        except RecursionError as error:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from error
        except ValueError as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from error

    @staticmethod
    def _refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")
