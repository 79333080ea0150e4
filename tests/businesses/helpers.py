"""Shared set-up of the promotion and webhook tests: a paying business, and signed Stripe events."""

import datetime
import json
import time
import uuid
from typing import Any

import stripe
from django.utils import timezone

from businesses.models import BusinessProfile
from creators.models import Video
from feeds.models import Signal, Source
from platform.models import User
from tests.businesses.conftest import WEBHOOK_SECRET
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago


def established_adult(*, years: int = 30, **fields: Any) -> User:
    """An adult account a business may be charged for showing a promotion to: made two days ago, and
    with watching of its own in the signal log (5 s of a video it came to in For You)."""
    user = UserFactory.create(
        date_of_birth=born_years_ago(years),
        date_joined=timezone.now() - datetime.timedelta(days=2),
        **fields,
    )
    watched = VideoFactory.create(state=Video.State.DRAFT, published_at=None)  # in no feed
    Signal.objects.create(
        viewer_key=f"u:{user.pk}", event_id=uuid.uuid4(), video=watched, kind=Signal.Kind.PROGRESS,
        source=Source.FOR_YOU, watched_seconds=5.0,
    )  # fmt: skip
    return user


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
