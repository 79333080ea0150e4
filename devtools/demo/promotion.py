"""Make the demo's business: Bea's Bakery, with one promotion paid through localstripe and approved (idempotent).

The money moves as it does on the site: a PaymentIntent made by the gateway, confirmed with a test card
at localstripe, marked paid only by localstripe's signed ``payment_intent.succeeded`` event going
through ``services.stripe_event_process``, then approved by the demo admin. ``make run`` seeds before
supervisord starts its ``stripe`` process, so when no localstripe answers this command runs one itself, on
the configured port and with the same state file, and stops it when done: the ``stripe`` process then
starts with the PaymentIntent already in its store. The web server is not up yet either, so the signed
events come to a small inbox of this command on a free loopback port, registered with localstripe as an
endpoint of its own (``joyreel`` stays the site's).
"""

from __future__ import annotations

import contextlib
import http.server
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper

from businesses import gateway, services
from businesses.models import LIVE_STATES, BusinessProfile, Payment, Promotion
from creators.models import CreatorProfile, Video
from feeds.selectors import feed_for_you
from platform.models import User
from platform.viewer import viewer_for_user

BUSINESS_EMAIL = "business@joyreel.localhost"
BUSINESS_HANDLE = "beasbakery"
DEMO_VIEWER_EMAIL = "viewer@joyreel.localhost"  # who must see the slot on the first visit
ADMIN_EMAIL = "admin@joyreel.localhost"  # approves the promotion, as staff do in the review queue
LEGAL_NAME = "Bea's Bakery"
WEBSITE = "https://beas-bakery.example"
COUNTRY, REGION = "DE", "DE-BY"  # Haidhausen, Munich: the demo world's home region
# The video promoted, if it is there and promotable; else Bea's first promotable one.
PROMOTED_CAPTION = "Our sourdough at 5 am #bakery"
BUDGET_CENTS = 150_00
DURATION_DAYS = 30
TEST_CARD = "pm_card_visa"  # localstripe's (and Stripe's) always-succeeding test card
SEED_ENDPOINT_ID = "joyreel-seed"
# What the seed's endpoint is narrowed to when done: a type localstripe never sends, so it falls silent.
NO_EVENTS = ["joyreel.seed.finished"]
WAIT_SECONDS = 30.0


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/js.stripe.com/v3/", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextlib.contextmanager
def localstripe_running(*, state_file: str | None) -> Iterator[bool]:
    """localstripe at ``STRIPE_API_BASE``: the one that answers, or one started (and stopped) here.

    Yields whether this command started it."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if _answers(base):
        yield False
        return
    address = urlsplit(base)
    if address.hostname not in ("127.0.0.1", "localhost") or address.port is None:
        raise CommandError(
            f"No localstripe answers at {base}, and it is not a loopback address to start one on."
        )
    command = [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "localstripe",
        "--port",
        str(address.port),
    ]
    if state_file is not None:
        command += ["--state-file", state_file]
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(  # noqa: S603  (our own manage.py, arguments from settings)
            command, cwd=settings.BASE_DIR, stdout=output, stderr=subprocess.STDOUT, text=True
        )
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while not _answers(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    raise CommandError(f"localstripe did not start on {base}: {output.read()[-2000:]}")
                time.sleep(0.1)
            yield True
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def webhook_inbox() -> Iterator[queue.Queue[tuple[bytes, str]]]:
    """A loopback endpoint registered with localstripe for the seed's events; silenced when done."""
    received: queue.Queue[tuple[bytes, str]] = queue.Queue()

    class Inbox(http.server.BaseHTTPRequestHandler):
        """Takes localstripe's webhook requests as they come; the command verifies and applies them."""

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.put((body, self.headers.get("Stripe-Signature", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/stripe/webhook"
    try:
        gateway.webhook_endpoint_register_local(url=url, endpoint_id=SEED_ENDPOINT_ID)
        yield received
    finally:
        with contextlib.suppress(gateway.GatewayError):
            gateway.webhook_endpoint_register_local(
                url=url, endpoint_id=SEED_ENDPOINT_ID, event_types=NO_EVENTS
            )
        server.shutdown()
        server.server_close()


def _for_you_positions(*, email: str, pages: int = 3) -> dict[int, int]:
    """Where each video comes in the first few For You pages of a viewer (today; ranking moves slowly)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        return {}
    viewer = viewer_for_user(user)
    positions: dict[int, int] = {}
    cursor = None
    for _ in range(pages):
        page = feed_for_you(viewer=viewer, cursor=cursor)
        for item in page.items:
            positions.setdefault(item.video.pk, len(positions))
        cursor = page.next_cursor
        if cursor is None:
            break
    return positions


class DemoPromotion:
    """What ``manage.py seed_demo_promotion`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=BUSINESS_EMAIL).first()
        admin = User.objects.filter(email=ADMIN_EMAIL).first()
        creator = CreatorProfile.objects.filter(user__email=BUSINESS_EMAIL, handle=BUSINESS_HANDLE).first()
        if user is None or admin is None or creator is None:
            self.stdout.write("Run seed_demo and seed_demo_videos first.")
            return
        business = self._business(user=user, admin=admin)
        live = Promotion.objects.filter(business=business, state__in=LIVE_STATES).first()
        if live is not None and live.state in (Promotion.State.ACTIVE, Promotion.State.PAUSED):
            self.stdout.write(
                f"Demo promotion of {business.legal_name} is {live.get_state_display().lower()}."
            )
            return
        if not gateway.is_local():
            self.stdout.write(
                "Demo promotion skipped: it is paid at localstripe, and real Stripe keys are set."
            )
            return
        with localstripe_running(state_file=options["state_file"]) as started:
            if started:
                self.stdout.write("Started localstripe for the demo payment.")
            promotion = live or self._promotion_new(business=business)
            if promotion is None:
                return
            promotion = self._paid(promotion=promotion, business=business)
            if promotion.state == Promotion.State.IN_REVIEW:
                promotion = services.promotion_approve(promotion=promotion, actor=admin)
        payment = promotion.payments.get(status=Payment.Status.SUCCEEDED)
        self.stdout.write(
            f"Demo promotion of {business.legal_name} is {promotion.get_state_display().lower()}: "
            f"paid {payment.amount_cents / 100:.2f} {payment.currency.upper()} ({payment.intent_id})."
        )

    def _business(self, *, user: User, admin: User) -> BusinessProfile:
        business = BusinessProfile.objects.filter(creator__user=user).first()
        if business is None:
            business = services.business_profile_create(
                user=user,
                legal_name=LEGAL_NAME,
                category=BusinessProfile.Category.FOOD_AND_DRINK,
                country=COUNTRY,
                region=REGION,
                website=WEBSITE,
            )
        return services.business_profile_verify(business=business, actor=admin)

    def _promotion_new(self, *, business: BusinessProfile) -> Promotion | None:
        videos = [
            video
            for video in Video.objects.filter(owner=business.creator, state=Video.State.PUBLISHED)
            if services.video_promotable_problem(video=video, business=business) is None
        ]
        # The one For You ranks last for the demo viewer wins: the slot then brings them what their first
        # pages would not (one the page holds anyway moves into the slot, so it gets the slot either way).
        position = _for_you_positions(email=DEMO_VIEWER_EMAIL)
        videos.sort(
            key=lambda video: (
                -position.get(video.pk, len(position)),
                video.caption != PROMOTED_CAPTION,
                video.pk,
            )
        )
        video = next(iter(videos), None)
        if video is None:
            self.stdout.write(
                f"{business.legal_name} has no promotable published video: run seed_demo_videos first."
            )
            return None
        return services.promotion_create(
            business=business,
            video=video,
            goal=Promotion.Goal.WEBSITE_VISITS,
            budget_cents=BUDGET_CENTS,
            duration_days=DURATION_DAYS,
        )

    def _paid(self, *, promotion: Promotion, business: BusinessProfile) -> Promotion:
        """The promotion once localstripe's success event has marked it paid (in review, or later)."""
        if promotion.state not in (Promotion.State.DRAFT, Promotion.State.AWAITING_PAYMENT):
            return promotion
        started = services.promotion_pay_start(promotion=promotion)
        try:
            intent = gateway.payment_intent_retrieve(intent_id=started.intent_id)
        except gateway.GatewayError:
            intent = None  # localstripe lost its state (its file was removed): start over
        if intent is None or intent.status == "succeeded":
            # Paid before, but its event never reached us (a crash in between): that attempt cannot be
            # completed any more, so it is cancelled (refunding nothing, as we never saw it paid).
            services.promotion_cancel(promotion=promotion, actor=None, reason="The demo seed started over.")
            replacement = self._promotion_new(business=business)
            if replacement is None:
                raise CommandError("The demo promotion could not be made again.")
            return self._paid(promotion=replacement, business=business)
        with webhook_inbox() as inbox:
            gateway.payment_intent_confirm(intent_id=started.intent_id, payment_method=TEST_CARD)
            deadline = time.monotonic() + WAIT_SECONDS
            while not Payment.objects.filter(pk=started.payment.pk, status=Payment.Status.SUCCEEDED).exists():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CommandError(
                        f"localstripe sent no payment_intent.succeeded for {started.intent_id}."
                    )
                try:
                    body, signature = inbox.get(timeout=remaining)
                except queue.Empty:
                    continue
                event = gateway.webhook_event_verify(payload=body, signature_header=signature)
                # Only this payment's events: a running site gets the others through its own endpoint.
                if event.data_object.get("id") == started.intent_id:
                    services.stripe_event_process(event=event)
        promotion.refresh_from_db()
        return promotion


def seed_demo_promotion(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_promotion`` with the options its command parsed."""
    DemoPromotion(stdout=stdout, stderr=stderr).handle(**options)
