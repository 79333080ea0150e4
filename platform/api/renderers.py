"""The API's JSON renderer for its hottest pages: the bytes DRF's ``JSONRenderer`` writes, written by orjson.

A feed page is ~20 nested objects rendered for every swipe of every viewer; orjson writes them without
Python's per-object encoder calls. The output is DRF's byte for byte: compact separators, UTF-8 text
unescaped, U+2028/U+2029 escaped as DRF does, and every type orjson would write differently (datetimes,
dates, times, dataclasses) or cannot write (Decimal, lazy strings, non-string keys, huge ints) goes through
DRF's own encoder or, failing that, through DRF's renderer itself, which then raises what it always raised.
Where DRF's settings or the request ask for another shape (an ``indent``, ASCII-only or non-compact
output), DRF's renderer answers.

Two differences in what no page of ours holds: a non-zero float under 1e-4 is written ``0.00001`` where
Python writes ``1e-05`` (the same number to every JSON reader), and NaN or infinity is written ``null``
where DRF refuses to render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

# orjson writes datetimes and dataclasses itself, in other shapes than DRF's encoder: hand them to it.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# DRF escapes these two: raw, they end a line in JavaScript source older than ES2019.
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class OrjsonRenderer(JSONRenderer):
    """``JSONRenderer``'s output, rendered by orjson where it gives the same bytes."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        context = renderer_context or {}
        if (
            self.ensure_ascii
            or not self.compact
            or not self.strict
            or self.get_indent(accepted_media_type or "", context) is not None
        ):
            return super().render(data, accepted_media_type, context)
        try:
            rendered = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, context)
        if _LINE_SEPARATOR in rendered or _PARAGRAPH_SEPARATOR in rendered:
            rendered = rendered.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return rendered
