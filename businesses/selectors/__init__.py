"""Reads of the businesses app, each scoped to what the requester owns; one module per concern, imported
from here.

- ``promotions``: a business's promotions, the dashboard's list with totals, today's spend (staff)
- ``results``: what a promotion bought, for its results page
- ``reach``: the estimated reach of a promotion from its audience's activity
- ``receipts``: payments and refunds with Stripe's receipts
- ``profiles``: the business on its profile page and its website link
"""

from businesses.selectors.profiles import (
    business_website_target,
    is_verified_business,
    profile_badge,
    website_links_out,
)
from businesses.selectors.promotions import (
    Overview,
    OverviewRow,
    OverviewTotal,
    SpendRow,
    SpendToday,
    business_of,
    payment_live,
    promotion_of,
    promotions_of,
    promotions_overview,
    refunds_of,
    spend_today,
    videos_promotable,
)
from businesses.selectors.reach import (
    ACTIVE_VIEWER_DAYS,
    ReachEstimate,
    promotion_reach_estimate,
    reach_activity,
    reach_audience,
    reach_estimate,
)
from businesses.selectors.receipts import RECEIPT_URL_SECONDS, Receipt, receipt_url, receipts_of
from businesses.selectors.results import Results, ResultsDay, promotion_results

__all__ = [
    "ACTIVE_VIEWER_DAYS",
    "RECEIPT_URL_SECONDS",
    "Overview",
    "OverviewRow",
    "OverviewTotal",
    "ReachEstimate",
    "Receipt",
    "Results",
    "ResultsDay",
    "SpendRow",
    "SpendToday",
    "business_of",
    "business_website_target",
    "is_verified_business",
    "payment_live",
    "profile_badge",
    "promotion_of",
    "promotion_reach_estimate",
    "promotion_results",
    "promotions_of",
    "promotions_overview",
    "reach_activity",
    "reach_audience",
    "reach_estimate",
    "receipt_url",
    "receipts_of",
    "refunds_of",
    "spend_today",
    "videos_promotable",
    "website_links_out",
]
