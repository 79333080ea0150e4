"""What a promotion bought so far: the results page's figures and days, from the rollup's day rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from businesses.models import Promotion, PromotionDay, PromotionDelivery
from businesses.rules import (
    NOTHING_YET,
    money_amount,
    money_format,
    result_cost_cents,
    seconds_format,
    share_format,
)


@dataclass(frozen=True, slots=True)
class ResultsDay:
    """One UTC day of a promotion's results."""

    day: datetime.date
    impressions: int
    reach: int
    views: int
    clicks: int
    spent_cents: int
    spent: str
    spent_amount: str


@dataclass(frozen=True, slots=True)
class Results:
    """What a promotion has bought so far: counts, money in cents and as text, and the days it ran.

    Ratios with nothing to divide by read "—" (``NOTHING_YET``)."""

    currency: str
    impressions: int
    # Reported impressions not charged for: accounts too new, or with no watching of their own.
    invalid_impressions: int
    reach: int
    views: int
    watch_seconds: float
    average_watch: str
    completions: int
    likes: int
    follows: int
    profile_visits: int
    website_clicks: int
    ctr: str
    spent_cents: int
    spent: str
    budget_cents: int
    budget: str
    remaining_cents: int
    remaining: str
    # What the goal counts as one result ("video view", "profile visit", "website click") and how many.
    result_name: str
    results: int
    cost_per_result_cents: int | None
    cost_per_result: str
    days: tuple[ResultsDay, ...]


_RESULT_OF_GOAL = {
    Promotion.Goal.VIDEO_VIEWS: (gettext_lazy("video view"), "views"),
    Promotion.Goal.PROFILE_VISITS: (gettext_lazy("profile visit"), "profile_visits"),
    Promotion.Goal.WEBSITE_VISITS: (gettext_lazy("website click"), "website_clicks"),
}
_DAY_COUNTERS = (
    "impressions", "invalid_impressions", "spent_cents", "views", "watch_seconds", "completions", "likes", "follows",
    "profile_visits", "website_clicks",
)  # fmt: skip


def _results_days_span(promotion: Promotion) -> list[datetime.date]:
    """Every day from the start to the end (or today, while it runs): a quiet day is a zero, not a gap."""
    if promotion.starts_at is None:
        return []
    first = timezone.localdate(promotion.starts_at)
    until = promotion.finished_at or min(timezone.now(), promotion.ends_at or timezone.now())
    last = max(first, timezone.localdate(until))
    return [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]


def promotion_results(*, promotion: Promotion) -> Results:
    """A promotion's results from its day rows and its deliveries, in three queries.

    Reach counts distinct viewers with a reported impression: over the whole promotion for the total,
    and per day for the days (one person on two days is reach 1 in total, 1 on each day)."""
    rows = {
        row["day"]: row
        for row in PromotionDay.objects.filter(promotion=promotion).values("day", *_DAY_COUNTERS)
    }
    delivered = PromotionDelivery.objects.filter(promotion=promotion, impressions__gt=0)
    reach_by_day = dict(
        delivered.order_by().values("day").annotate(people=Count("viewer_key", distinct=True)).values_list("day", "people")
    )  # fmt: skip
    reach = delivered.order_by().values("viewer_key").distinct().count()
    currency = promotion.currency
    days = []
    for day in sorted(set(_results_days_span(promotion)) | set(rows) | set(reach_by_day)):
        row = rows.get(day, {})
        spent_cents = int(row.get("spent_cents", 0))
        days.append(
            ResultsDay(
                day=day,
                impressions=int(row.get("impressions", 0)),
                reach=int(reach_by_day.get(day, 0)),
                views=int(row.get("views", 0)),
                clicks=int(row.get("profile_visits", 0)) + int(row.get("website_clicks", 0)),
                spent_cents=spent_cents,
                spent=money_format(cents=spent_cents, currency=currency),
                spent_amount=money_amount(cents=spent_cents),
            )
        )
    total = {name: sum(row[name] for row in rows.values()) for name in _DAY_COUNTERS}
    impressions = int(total["impressions"])
    views = int(total["views"])
    watch_seconds = float(total["watch_seconds"])
    spent_cents = int(total["spent_cents"])
    result_name, result_field = _RESULT_OF_GOAL[Promotion.Goal(promotion.goal)]
    results = int(total[result_field])
    cost_cents = result_cost_cents(spent_cents=spent_cents, results=results)
    remaining_cents = max(0, promotion.budget_cents - spent_cents)
    return Results(
        currency=currency,
        impressions=impressions,
        invalid_impressions=int(total["invalid_impressions"]),
        reach=reach,
        views=views,
        watch_seconds=watch_seconds,
        average_watch=seconds_format(seconds=watch_seconds, per=views),
        completions=int(total["completions"]),
        likes=int(total["likes"]),
        follows=int(total["follows"]),
        profile_visits=int(total["profile_visits"]),
        website_clicks=int(total["website_clicks"]),
        ctr=share_format(part=int(total["profile_visits"]) + int(total["website_clicks"]), whole=impressions),
        spent_cents=spent_cents,
        spent=money_format(cents=spent_cents, currency=currency),
        budget_cents=promotion.budget_cents,
        budget=money_format(cents=promotion.budget_cents, currency=currency),
        remaining_cents=remaining_cents,
        remaining=money_format(cents=remaining_cents, currency=currency),
        result_name=str(result_name),
        results=results,
        cost_per_result_cents=cost_cents,
        cost_per_result=NOTHING_YET
        if cost_cents is None
        else money_format(cents=cost_cents, currency=currency),
        days=tuple(days),
    )
