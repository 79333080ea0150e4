"""Writes of the businesses app, one module per concern; import them from here.

- ``profiles``: business profiles and their verification
- ``promotions``: making a promotion, and the one function that moves its state
- ``pricing``: the published price table (read by ``price_for``), changed by staff and audited
- ``payments``: paying a promotion through the gateway, and Stripe's webhook events
- ``review``: staff approve or reject paid promotions, businesses cancel them; refunds sent to Stripe
- ``charging``: charging served sponsored impressions within the budget; finishing promotions
- ``results``: clicks on a promotion or a business's website, and the results rollup
"""

from businesses.services.charging import (
    impressions_charge,
    promotion_finish,
    promotion_finish_if_due,
    promotions_finish_due,
    promotions_stop_for_video,
)
from businesses.services.payments import (
    PaymentStart,
    promotion_pay_confirm_local,
    promotion_pay_start,
    stripe_event_process,
)
from businesses.services.pricing import (
    PublishedPrice,
    price_for,
    prices_published,
    promotion_price_delete,
    promotion_price_set,
)
from businesses.services.profiles import (
    ADULTS_ONLY,
    business_profile_create,
    business_profile_update,
    business_profile_verify,
    business_user_check,
)
from businesses.services.promotions import promotion_create, promotion_move, video_promotable_problem
from businesses.services.results import (
    promotion_click,
    promotion_destination,
    promotion_results_rollup,
    website_click,
)
from businesses.services.review import (
    CancelPreview,
    promotion_approve,
    promotion_cancel,
    promotion_cancel_preview,
    promotion_pause,
    promotion_reject,
    promotion_resume,
    refund_send,
)

__all__ = [
    "ADULTS_ONLY",
    "CancelPreview",
    "PaymentStart",
    "PublishedPrice",
    "business_profile_create",
    "business_profile_update",
    "business_profile_verify",
    "business_user_check",
    "impressions_charge",
    "price_for",
    "prices_published",
    "promotion_approve",
    "promotion_cancel",
    "promotion_cancel_preview",
    "promotion_click",
    "promotion_create",
    "promotion_destination",
    "promotion_finish",
    "promotion_finish_if_due",
    "promotion_move",
    "promotion_pause",
    "promotion_pay_confirm_local",
    "promotion_pay_start",
    "promotion_price_delete",
    "promotion_price_set",
    "promotion_reject",
    "promotion_results_rollup",
    "promotion_resume",
    "promotions_finish_due",
    "promotions_stop_for_video",
    "refund_send",
    "stripe_event_process",
    "video_promotable_problem",
    "website_click",
]
