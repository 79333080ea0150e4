"""The daily per-video table as a CSV download, one door for the page and the API."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from creators.models import CreatorProfile
from feeds.analytics import selectors
from feeds.analytics.rules import DayRange
from platform.http import EchoBuffer, spreadsheet_safe


def export_response(*, creator: CreatorProfile, period: DayRange) -> StreamingHttpResponse:
    """``period``'s rows, streamed (a year of a busy creator is large), oldest day first."""
    writer = csv.writer(EchoBuffer())

    def lines() -> Iterator[str]:
        for row in selectors.analytics_export_rows(creator=creator, period=period):
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"joyreel-analytics-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
