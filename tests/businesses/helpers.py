"""Shared set-up of the promotion and webhook tests: a paying business, and signed Stripe events."""

import datetime
import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe
from django.utils import timezone

from businesses.models import BusinessProfile, Promotion, PromotionDay, PromotionDelivery
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


def active_adult(
    *, active_days: int, years: int = 30, region: str = "DE-BY", weights: dict[str, float] | None = None
) -> str:
    """An adult in the reach audience who opened the app on ``active_days`` of the last 28 (two signals on
    each), and once more 40 days ago, which says nothing about now; their viewer key."""
    from feeds.models import InterestProfile

    now = timezone.now()
    user = UserFactory.create(
        date_of_birth=born_years_ago(years), region=region, date_joined=now - datetime.timedelta(days=30)
    )
    key = f"u:{user.pk}"
    InterestProfile.objects.create(viewer_key=key, user=user, weights={"t": weights or {}}, updated_at=now)
    video = VideoFactory.create(state=Video.State.DRAFT, published_at=None)
    # Two moments on each of the last ``active_days`` calendar days (the days are counted by date), in
    # the part of the day that has passed today: "an hour ago" and "five hours ago" fell on two dates
    # when the test ran soon after midnight.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = now - midnight
    moments = [
        midnight - datetime.timedelta(days=day) + elapsed * share
        for day in range(active_days)
        for share in (0.25, 0.75)
    ]
    Signal.objects.bulk_create(
        Signal(
            viewer_key=key, event_id=uuid.uuid4(), video=video, kind=Signal.Kind.PROGRESS, source=Source.FOR_YOU,
            watched_seconds=3.0, created_at=moment,
        )
        for moment in [*moments, now - datetime.timedelta(days=40)]
    )  # fmt: skip
    return key


def business_with_video(*, years: int = 30) -> tuple[BusinessProfile, Video]:
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(years)))
    return BusinessFactory.create(creator=creator), VideoFactory.create(owner=creator)


def running_promotion() -> tuple[BusinessProfile, Promotion]:
    """A paid promotion four days into its week, with a day of results for each of those days and a few
    viewers reached each day: what its results page draws."""
    business, video = business_with_video()
    now = timezone.now()
    promotion = Promotion.objects.create(
        business=business, video=video, goal="website_visits", budget_cents=80_00, currency="EUR",
        duration_days=7, cpm_cents=2_00, state="active", paid_at=now - datetime.timedelta(days=4),
        starts_at=now - datetime.timedelta(days=3), ends_at=now + datetime.timedelta(days=4),
    )  # fmt: skip
    today = timezone.localdate()
    for back, impressions in ((3, 820), (2, 1240), (1, 960), (0, 410)):
        day = today - datetime.timedelta(days=back)
        PromotionDay.objects.create(
            promotion=promotion, day=day, impressions=impressions, spent_cents=impressions * 2,
            views=impressions // 3, watch_seconds=impressions * 1.9, completions=impressions // 12,
            likes=impressions // 40, follows=impressions // 150, profile_visits=impressions // 90,
            website_clicks=impressions // 60,
        )  # fmt: skip
        for person in range(5 + back):
            PromotionDelivery.objects.create(
                promotion=promotion, viewer_key=f"u:{person}", day=day, served=1, impressions=1
            )
    return business, promotion


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


class WebhookInbox:
    """What a webhook endpoint on loopback received: each request's body and its Stripe-Signature."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/stripe/webhook"
        self.received: list[tuple[bytes, str]] = []

    def first(self, event_type: str, *, about: str) -> tuple[bytes, str] | None:
        """The first ``event_type`` event about the object ``about`` (an id): localstripe sends every
        endpoint it knows the events of every object, other tests' late ones too."""
        marker, subject = f'"{event_type}"'.encode(), f'"{about}"'.encode()
        return next(
            ((body, signature) for body, signature in self.received if marker in body and subject in body),
            None,
        )


@contextmanager
def webhook_inbox() -> Iterator[WebhookInbox]:
    """A webhook endpoint on a free loopback port that keeps what it is sent, for as long as the block."""
    inbox: WebhookInbox

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            inbox.received.append((body, self.headers["Stripe-Signature"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    inbox = WebhookInbox(server.server_port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield inbox
    finally:
        server.shutdown()
        server.server_close()
