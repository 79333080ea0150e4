"""Deleting an account: the password again, 14 days in which logging in keeps it, and then nothing of the
person left: no row of any model that points at them, names them or keys them, and no file of theirs."""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creators.models import Appeal, CreatorProfile, Decision, Follow, Report, Video
from feeds.models import Signal, VideoStats
from platform.account_deletion import (
    GRACE_PERIOD,
    account_delete,
    account_deletion_request,
)
from platform.models import AuditEntry, Notification, User
from platform.services import audit_record
from platform.tasks import accounts_delete_due_task
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (fixtures)
from tests.conftest import stored_files
from tests.factories import TEST_PASSWORD, UserFactory
from tests.platform.your_data import world

pytestmark = pytest.mark.django_db

USER_KEYS = {"user", "user_id", "account", "account_id", "viewer", "viewer_key", "reporter", "owner"}


def _json_mentions(value: Any, *, user_id: int, needles: tuple[str, ...]) -> bool:
    if isinstance(value, dict):
        return any(
            (key in USER_KEYS and item in (user_id, str(user_id)))
            or _json_mentions(key, user_id=user_id, needles=needles)
            or _json_mentions(item, user_id=user_id, needles=needles)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_json_mentions(item, user_id=user_id, needles=needles) for item in value)
    return isinstance(value, str) and any(needle in value for needle in needles)


def rows_about(*, user_id: int, email: str, display_name: str) -> list[str]:
    """Every row of every model that still refers to the person: a foreign key to their ``User``, their
    viewer key, their email or name in a text field, their id under a user-ish key in JSON."""
    needles = (f"u:{user_id}", email, display_name)
    found = []
    for model in apps.get_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            points_at_user = field.is_relation and field.related_model is User
            if points_at_user and model._default_manager.filter(**{field.attname: user_id}).exists():
                found.append(f"{label}.{field.name}")
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.all().iterator():
            if isinstance(row, Session):
                if str(row.get_decoded().get("_auth_user_id")) == str(user_id):
                    found.append(f"{label}:{row.pk} (a log-in)")
                continue
            for field in text_fields:
                value = getattr(row, field.attname)
                if isinstance(field, models.JSONField):
                    if _json_mentions(value, user_id=user_id, needles=needles):
                        found.append(f"{label}:{row.pk}.{field.name}")
                elif isinstance(value, str) and (value == needles[0] or any(n in value for n in needles[1:])):
                    found.append(f"{label}:{row.pk}.{field.name}")
    return found


def _request_deletion(client: Client, user: User) -> None:
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD, "confirm": "on"})
    assert response.status_code == 302


def _after_grace(user: User) -> datetime.datetime:
    user.refresh_from_db()
    assert user.deletion_requested_at is not None
    return user.deletion_requested_at + GRACE_PERIOD + datetime.timedelta(minutes=1)


def test_after_14_days_nothing_of_the_person_is_left(
    client,
    clips,
    media_root,
    stripe_local,  # noqa: F811  (the fixture imported above)
    eager_tasks,
    django_capture_on_commit_callbacks,
):
    from businesses import gateway
    from businesses import services as business_services
    from businesses.models import Promotion, Refund
    from tests.businesses.factories import BusinessFactory

    people = world(clips)
    person = people.person
    # A business with a paid promotion in review: deletion must refund it first.
    business = BusinessFactory.create(creator=people.profile, legal_name="Marlowe Bakery GmbH")
    promotion = business_services.promotion_create(
        business=business, video=people.videos[0], goal="video_views", budget_cents=50_00, duration_days=7
    )
    started = business_services.promotion_pay_start(promotion=promotion)
    gateway.payment_intent_confirm(intent_id=started.intent_id, payment_method="pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        business_services.stripe_event_process(
            event=gateway.WebhookEvent(
                id="evt_deletion_test",
                type="payment_intent.succeeded",
                created=int(timezone.now().timestamp()),
                data_object={"id": started.intent_id, "object": "payment_intent", "amount": 50_00,
                             "currency": "eur", "metadata": {}},
            )
        )  # fmt: skip
    assert Promotion.objects.get().state == "in_review"
    # A decision about one of their videos and their appeal, with audit entries as the decision service writes
    # them (its page, which its notification links to, is not in this branch, so the rows are made here).
    moderator = UserFactory.create(is_staff=True, email="mod@example.com", display_name="Moderator Mo")
    decision = Decision.objects.create(
        account=person, video=people.videos[1], action="limit", guideline="spam", facts="Repetitive.",
        decided_by=moderator,
    )  # fmt: skip
    audit_record(
        actor=moderator, action="decision.limit", target=decision,
        detail={"video": people.videos[1].pk, "account": person.pk, "guideline": "spam", "source": "staff"},
    )  # fmt: skip
    appeal = Appeal.objects.create(
        decision=decision, appellant=person, statement="It is not spam, Quillon here."
    )
    audit_record(actor=person, action="appeal.open", target=appeal, detail={"decision": decision.pk})
    other_files = {
        name
        for name in stored_files(media_root)
        if people.other_video.public_id.hex in name or name.startswith(f"avatars/{people.other_profile.pk}/")
    }
    assert other_files
    assert len(stored_files(media_root)) > len(other_files)
    VideoStats.objects.create(video=people.other_video)
    # The walk below finds the person everywhere before deletion (so its empty answer after means something).
    before = rows_about(user_id=person.pk, email=person.email, display_name=person.display_name)
    for expected in (
        "platform.Notification.user",
        "creators.CreatorProfile.user",
        "creators.Follow.follower",
        "creators.Decision.account",
        "creators.Report.reporter",
        "platform.Block.blocked",
    ):
        assert expected in before
    assert any(row.startswith("feeds.Signal:") for row in before)
    assert any(row.startswith("platform.AuditEntry:") and row.endswith(".detail") for row in before)
    elsewhere = Client()
    elsewhere.force_login(person)  # a second device

    with django_capture_on_commit_callbacks(execute=True):
        _request_deletion(client, person)
    person.refresh_from_db()
    assert person.deletion_requested_at is not None
    assert mail.outbox[-1].to == [person.email]
    assert "14 days" not in mail.outbox[-1].subject
    assert not Session.objects.exists()  # logged out everywhere
    assert elsewhere.get(reverse("account_settings")).status_code == 302

    # Not yet: the job leaves it alone.
    assert accounts_delete_due_task() == 0
    assert account_delete(user_id=person.pk) is False
    assert User.objects.filter(pk=person.pk).exists()

    due = _after_grace(person)
    with django_capture_on_commit_callbacks(execute=True):
        # The promotion is cancelled and its refund sent; the rest waits until Stripe has confirmed it.
        first = account_delete(user_id=person.pk, now=due)
    assert first is False  # the refund was sent after that run's commit
    assert User.objects.filter(pk=person.pk, is_active=False).exists()
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (50_00, "succeeded")
    assert (
        client.post(reverse("login"), {"username": person.email, "password": TEST_PASSWORD}).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert accounts_delete_due_task.apply(kwargs={}).get() == 0  # the beat job runs at the real time
        assert account_delete(user_id=person.pk, now=due) is True
    assert not User.objects.filter(pk=person.pk).exists()

    assert rows_about(user_id=person.pk, email=person.email, display_name=person.display_name) == []
    assert sorted(stored_files(media_root)) == sorted(other_files)
    # What stays: other people's things, aggregates, the report without its reporter, the legal record.
    assert Video.objects.get() == people.other_video
    assert VideoStats.objects.filter(video=people.other_video).exists()
    assert set(Signal.objects.values_list("viewer_key", flat=True)) == {f"u:{people.other.pk}"}
    report = Report.objects.get()
    assert (report.reporter_id, report.video_id, report.reason) == (None, people.other_video.pk, "spam")
    assert not Follow.objects.exists()
    assert CreatorProfile.objects.get(pk=people.other_profile.pk).follower_count == 0
    assert AuditEntry.objects.filter(
        action="account.delete", target_type="platform.user", target_id=str(person.pk)
    ).exists()
    assert Notification.objects.filter(user=people.other).count() == 1
    # Idempotent: a redelivered run finds nothing to do.
    assert account_delete(user_id=person.pk, now=due) is True
    assert accounts_delete_due_task() == 0


def test_logging_in_within_the_14_days_keeps_the_account(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request_deletion(client, user)
    user.refresh_from_db()
    due = _after_grace(user)
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, follow=True)
    assert "Your account will not be deleted" in response.content.decode()
    user.refresh_from_db()
    assert user.deletion_requested_at is None
    assert account_delete(user_id=user.pk, now=due) is False
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert list(AuditEntry.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)) == [
        "account.deletion_cancel",
        "account.deletion_request",
    ]


def test_logging_in_through_the_api_keeps_the_account_too(
    client, api_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request_deletion(client, user)
    response = api_client.post(
        "/api/v1/auth/login", {"email": user.email, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.deletion_requested_at is None


def test_the_wrong_password_deletes_nothing_and_writes_nothing(client, user):
    client.force_login(user)
    password_before = User.objects.get(pk=user.pk).password
    response = client.post(reverse("account_delete"), {"password": "not-my-password", "confirm": "on"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    with pytest.raises(ValidationError):
        account_deletion_request(user=user, password="")
    user.refresh_from_db()
    assert (user.deletion_requested_at, user.password) == (None, password_before)
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert client.get(reverse("account_settings")).status_code == 200  # still logged in


def test_deleting_needs_the_box_ticked(client, user):
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    user.refresh_from_db()
    assert user.deletion_requested_at is None


def test_the_delete_page_explains_the_14_days(client, user):
    client.force_login(user)
    page = client.get(reverse("account_delete")).content.decode()
    assert "14 days" in page
    assert 'name="password"' in page
    assert 'name="confirm"' in page


def test_a_cancelled_payment_keeps_the_business_rows_while_stripe_may_still_charge_it(
    client,
    stripe_local,  # noqa: F811  (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    from businesses import services as business_services
    from businesses.models import BusinessProfile, Payment, Promotion
    from tests.businesses.helpers import business_with_video

    business, video = business_with_video()
    promotion = business_services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=20_00, duration_days=3
    )
    business_services.promotion_pay_start(promotion=promotion)
    person = business.creator.user
    with django_capture_on_commit_callbacks(execute=True):
        _request_deletion(client, person)
    due = _after_grace(person)

    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete(user_id=person.pk, now=due) is False
    assert Promotion.objects.get().state == "cancelled"
    assert Payment.objects.get().status == "cancelled"
    assert BusinessProfile.objects.exists()

    Payment.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete(user_id=person.pk, now=due) is True
    assert not Payment.objects.exists()
    assert not BusinessProfile.objects.exists()
    assert rows_about(user_id=person.pk, email=person.email, display_name=person.display_name) == []
