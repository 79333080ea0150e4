"""The transparency figures, per month: reports received and decisions taken (on videos, comments and
accounts), decisions by action and guideline, the automated
share, the median time from report to decision, appeals and reversals. Read in five grouped queries,
whatever the number of months or rows, for the staff's admin page and its CSV."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from creators.models import Appeal, Decision, Report
from platform.guidelines import Guideline

DEFAULT_MONTHS = 12


@dataclass
class MonthFigures:
    month: datetime.date  # the first day of the month (UTC)
    reports_by_reason: Counter[str] = field(default_factory=Counter)
    reports_on_videos: int = 0
    reports_on_accounts: int = 0
    reports_on_comments: int = 0
    # What each decision was about: "video", "comment" or "account".
    decisions_by_target: Counter[str] = field(default_factory=Counter)
    decisions_by_action: Counter[str] = field(default_factory=Counter)
    decisions_by_guideline: Counter[str] = field(default_factory=Counter)
    automated: int = 0
    hours_to_decision: list[float] = field(default_factory=list)
    appeals: int = 0
    appeals_by_state: Counter[str] = field(default_factory=Counter)
    reversals: int = 0

    @property
    def reports(self) -> int:
        return self.reports_on_videos + self.reports_on_accounts + self.reports_on_comments

    @property
    def decisions_on_videos(self) -> int:
        return self.decisions_by_target["video"]

    @property
    def decisions_on_comments(self) -> int:
        return self.decisions_by_target["comment"]

    @property
    def decisions_on_accounts(self) -> int:
        return self.decisions_by_target["account"]

    @property
    def decisions(self) -> int:
        return sum(self.decisions_by_action.values())

    @property
    def automated_share(self) -> float | None:
        """The fraction of the month's decisions taken without a person; None without decisions."""
        return self.automated / self.decisions if self.decisions else None

    @property
    def automated_percent(self) -> int | None:
        share = self.automated_share
        return None if share is None else round(share * 100)

    @property
    def median_hours_to_decision(self) -> float | None:
        """Median hours from a report to its decision, over the reports decided this month."""
        return round(statistics.median(self.hours_to_decision), 1) if self.hours_to_decision else None

    def reports_by_reason_labelled(self) -> list[tuple[str, int]]:
        return _labelled(self.reports_by_reason, dict(Guideline.choices))

    def decisions_by_action_labelled(self) -> list[tuple[str, int]]:
        return _labelled(self.decisions_by_action, dict(Decision.Action.choices))

    def decisions_by_guideline_labelled(self) -> list[tuple[str, int]]:
        labels: dict[str, object] = {**dict(Guideline.choices), "": gettext_lazy("No guideline")}
        return _labelled(self.decisions_by_guideline, labels)


def _labelled(counts: Counter[str], labels: Mapping[str, object]) -> list[tuple[str, int]]:
    """Largest first, ties alphabetically: the same figures always read the same."""
    rows = [(str(labels.get(key, key)), count) for key, count in counts.items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _month(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).date()
    return value.replace(day=1)


def months_start(*, months: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """The first instant (UTC) of the month ``months - 1`` months before ``now``'s."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    year, month = now.year, now.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.datetime(year, month, 1, tzinfo=datetime.UTC)


def _by_month(queryset: QuerySet[Any], field_name: str, *fields: str) -> list[dict[str, Any]]:
    return list(
        queryset.annotate(month=TruncMonth(field_name, tzinfo=datetime.UTC))
        .values("month", *fields)
        .annotate(count=Count("pk"))
        .order_by()
    )


def _target() -> Case:
    """What a report or decision is about: its comment, else its video, else the account."""
    return Case(
        When(comment__isnull=False, then=Value("comment")),
        When(video__isnull=False, then=Value("video")),
        default=Value("account"),
        output_field=CharField(),
    )


def transparency_months(
    *, months: int = DEFAULT_MONTHS, now: datetime.datetime | None = None
) -> list[MonthFigures]:
    """The figures of the last ``months`` months (this one included) that had anything, newest first."""
    since = months_start(months=months, now=now)
    figures: dict[datetime.date, MonthFigures] = defaultdict(lambda: MonthFigures(month=datetime.date.min))

    def of(value: datetime.datetime | datetime.date) -> MonthFigures:
        month = _month(value)
        item = figures[month]
        item.month = month
        return item

    reports = Report.objects.filter(created_at__gte=since).annotate(target=_target())
    for row in _by_month(reports, "created_at", "reason", "target"):
        item = of(row["month"])
        item.reports_by_reason[row["reason"]] += row["count"]
        if row["target"] == "video":
            item.reports_on_videos += row["count"]
        elif row["target"] == "comment":
            item.reports_on_comments += row["count"]
        else:
            item.reports_on_accounts += row["count"]
    decisions = Decision.objects.filter(created_at__gte=since).annotate(target=_target())
    for row in _by_month(decisions, "created_at", "action", "guideline", "is_automated", "target"):
        item = of(row["month"])
        item.decisions_by_target[row["target"]] += row["count"]
        item.decisions_by_action[row["action"]] += row["count"]
        item.decisions_by_guideline[row["guideline"]] += row["count"]
        if row["is_automated"]:
            item.automated += row["count"]
    for created_at, decided_at in Report.objects.filter(
        decided_at__gte=since, decided_at__isnull=False
    ).values_list("created_at", "decided_at"):
        assert decided_at is not None
        hours = max((decided_at - created_at).total_seconds(), 0.0) / 3600
        of(decided_at).hours_to_decision.append(hours)
    for row in _by_month(Appeal.objects.filter(created_at__gte=since), "created_at", "state"):
        item = of(row["month"])
        item.appeals += row["count"]
        item.appeals_by_state[row["state"]] += row["count"]
    for row in _by_month(Decision.objects.filter(reversed_at__gte=since), "reversed_at"):
        of(row["month"]).reversals += row["count"]
    return sorted(figures.values(), key=lambda item: item.month, reverse=True)


def transparency_rows(figures: list[MonthFigures]) -> list[tuple[str, str, str, str]]:
    """The figures as long rows for the CSV: (month, measure, breakdown, value)."""
    rows: list[tuple[str, str, str, str]] = []
    for item in figures:
        month = item.month.strftime("%Y-%m")
        rows.append((month, "reports", "total", str(item.reports)))
        rows.append((month, "reports", "on videos", str(item.reports_on_videos)))
        rows.append((month, "reports", "on accounts", str(item.reports_on_accounts)))
        rows.append((month, "reports", "on comments", str(item.reports_on_comments)))
        rows += [
            (month, "reports by reason", label, str(count))
            for label, count in item.reports_by_reason_labelled()
        ]
        rows.append((month, "decisions", "total", str(item.decisions)))
        rows.append((month, "decisions", "on videos", str(item.decisions_on_videos)))
        rows.append((month, "decisions", "on accounts", str(item.decisions_on_accounts)))
        rows.append((month, "decisions", "on comments", str(item.decisions_on_comments)))
        rows += [
            (month, "decisions by action", label, str(count))
            for label, count in item.decisions_by_action_labelled()
        ]
        rows += [
            (month, "decisions by guideline", label, str(count))
            for label, count in item.decisions_by_guideline_labelled()
        ]
        share = item.automated_share
        rows.append((month, "decisions", "automated share", "" if share is None else f"{share:.3f}"))
        median = item.median_hours_to_decision
        rows.append((month, "reports", "median hours to decision", "" if median is None else f"{median:.1f}"))
        rows.append((month, "appeals", "total", str(item.appeals)))
        rows.append((month, "appeals", "reversals", str(item.reversals)))
    return rows
