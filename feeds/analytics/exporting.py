"""The daily per-video table as a CSV download, one door for the page and the API."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse

from creators.models import CreatorProfile
from feeds.analytics import selectors
from feeds.analytics.rules import DayRange


def _inert(value: Any) -> Any:
    """A caption a spreadsheet would run as a formula (=, +, -, @ first) is quoted to stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    """A file that hands back what is written, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value


def export_response(*, creator: CreatorProfile, period: DayRange) -> StreamingHttpResponse:
    """``period``'s rows, streamed (a year of a busy creator is large), oldest day first."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in selectors.analytics_export_rows(creator=creator, period=period):
            yield writer.writerow([_inert(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"joyreel-analytics-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
