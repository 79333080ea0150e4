"""Shared set-up of the promotion and webhook tests: a paying business, and signed Stripe events."""

import json
import time
import uuid
from typing import Any

import stripe

from businesses.models import BusinessProfile
from creators.models import Video
from tests.businesses.conftest import WEBHOOK_SECRET
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago


def business_with_video(*, years: int = 30) -> tuple[BusinessProfile, Video]:
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(years)))
    return BusinessFactory.create(creator=creator), VideoFactory.create(owner=creator)


def intent_event(
    event_type: str,
    intent_id: str,
    *,
    amount: int,
    currency: str = "eur",
    metadata: dict[str, str] | None = None,
    event_id: str | None = None,
    created: int | None = None,
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:14]}",
        "object": "event",
        "type": event_type,
        "created": created or int(time.time()),
        "livemode": False,
        "api_version": "2017-08-15",
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "currency": currency,
                "metadata": metadata or {},
                "last_payment_error": {"message": "Your card was declined."}
                if event_type == "payment_intent.payment_failed"
                else None,
            }
        },
    }


def post_signed(client, payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return client.post(
        "/stripe/webhook", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def post_event(client, event: dict[str, Any], **kwargs):
    return post_signed(client, json.dumps(event), **kwargs)
