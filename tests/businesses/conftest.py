"""A real localstripe process for the payment tests, and the site pointed at it."""

import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from devtools.bench.throwaway import free_port
from tests.waiting import eventually
from tests.workers import ROOT, clean_environ

# This session's own, as each installation has its own: nothing may pass by knowing a fixed one.
WEBHOOK_SECRET = f"whsec_{secrets.token_urlsafe(24)}"


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """The base URL of a localstripe process started for this test session (state in memory only)."""
    port = free_port()
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "platform.settings.test",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "localstripe", "--port", str(port), "--state-file", ""],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert process.poll() is None
        return _answers(f"{base}/js.stripe.com/v3/")

    try:
        eventually(answers, timeout=30, what="localstripe to answer")
    except AssertionError:
        process.kill()
        raise AssertionError(f"localstripe did not start: {process.communicate()[0]}") from None
    yield base
    process.terminate()
    process.communicate(timeout=30)


@pytest.fixture
def stripe_local(localstripe, settings) -> str:
    """Point the gateway at the session's localstripe, whatever the environment says."""
    settings.STRIPE_IS_LOCAL = True
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe
    return str(localstripe)


@pytest.fixture
def in_review(stripe_local):
    """A promotion paid at localstripe (card confirmed) whose success event has been processed."""
    from businesses import gateway, services
    from tests.businesses.helpers import business_with_video, intent_event

    business, video = business_with_video()
    promotion = services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )
    started = services.promotion_pay_start(promotion=promotion)
    gateway.payment_intent_confirm(intent_id=started.intent_id, payment_method="pm_card_visa")
    event = intent_event("payment_intent.succeeded", started.intent_id, amount=50_00)
    services.stripe_event_process(
        event=gateway.WebhookEvent(
            id=event["id"], type=event["type"], created=event["created"], data_object=event["data"]["object"]
        )
    )
    promotion.refresh_from_db()
    assert promotion.state == "in_review"
    return promotion, started.intent_id


@pytest.fixture
def reviewer():
    from tests.factories import UserFactory

    return UserFactory.create(is_staff=True, is_superuser=True)
