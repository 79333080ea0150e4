"""Serving and charging sponsored slots: who sees them, how often, how fast the budget goes, and never more."""

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client
from django.utils import timezone

from businesses import services
from businesses.models import Promotion, PromotionDay, PromotionDelivery, Refund
from businesses.serving import slots
from creators.models import Topic, Video
from feeds import selectors
from feeds.models import InterestProfile
from feeds.services import SignalInput, signals_record
from platform.models import AuditEntry
from platform.viewer import viewer_for_user
from tests.businesses.helpers import business_with_video, established_adult
from tests.factories import published_video
from tests.waiting import eventually

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_snapshot(settings):
    """Every request sees the promotions as they are now."""
    settings.PROMOTION_SNAPSHOT_SECONDS = 0
    slots.forget()
    yield
    slots.forget()


def running(*, budget=50_00, cpm=6_00, days=7, started_hours_ago=24.0, **fields) -> Promotion:
    """An approved promotion that has run for ``started_hours_ago`` hours, straight in the database."""
    business, video = business_with_video()
    starts = timezone.now() - datetime.timedelta(hours=started_hours_ago)
    promotion = Promotion.objects.create(
        business=business,
        video=video,
        goal=Promotion.Goal.WEBSITE_VISITS,
        budget_cents=budget,
        currency="eur",
        duration_days=days,
        cpm_cents=cpm,
        state=Promotion.State.ACTIVE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=days),
        **fields,
    )
    return promotion


def last_minute(days):
    ends = timezone.now() + datetime.timedelta(minutes=1)
    return {"starts_at": ends - datetime.timedelta(days=days), "ends_at": ends}


def viewer(years=30, **fields):
    """A viewer of that age whose impressions may be charged for (an account with a history of its own)."""
    return viewer_for_user(established_adult(years=years, **fields))


def offered(promotion, who, **kwargs):
    slot = slots.slot_for(viewer=who, feed="for_you", exclude_video_ids=set(), topic_interest={}, **kwargs)
    return slot is not None and slot.promotion_id == promotion.pk


def candidate_ids(who):
    return [live.id for live in slots.candidates(viewer=who, exclude_video_ids=set(), topic_interest={})]


def impression(who, video, *, event_id=None):
    return signals_record(
        viewer=who,
        items=[
            SignalInput(
                event_id=event_id or uuid.uuid4(),
                video=video.public_id,
                kind="impression",
                source="sponsored",
            )
        ],
    )


def test_adults_get_a_labelled_slot_fifth_on_the_page_and_minors_anonymous_and_the_owner_none():
    for index in range(12):
        published_video(topics=(("food", "art", "music")[index % 3],))
    promotion = running()
    adult = viewer()
    # Seen organically already, so the page itself does not hold it.
    InterestProfile.objects.create(viewer_key=adult.key, user=adult.user, seen=[promotion.video_id])
    page = selectors.feed_for_you(viewer=adult)
    sponsored = [item for item in page.items if item.is_sponsored]
    assert len(sponsored) == 1
    assert page.items.index(sponsored[0]) == 4
    slot = sponsored[0].sponsor
    assert slot is not None
    assert (slot.sponsor_name, slot.call_to_action) == (promotion.business.legal_name, "Visit website")
    for who in (viewer(17), viewer(13), viewer_for_user(None)):
        assert not any(item.is_sponsored for item in selectors.feed_for_you(viewer=who).items)
    owner = viewer_for_user(promotion.business.creator.user)
    assert not offered(promotion, owner)
    unknown_age = viewer()
    unknown_age.user.date_of_birth = None
    assert not offered(promotion, unknown_age)


def test_the_same_promotion_reaches_a_viewer_at_most_three_times_a_day():
    promotion = running()
    adult = viewer()
    assert [offered(promotion, adult) for _ in range(5)] == [True, True, True, False, False]
    delivery = PromotionDelivery.objects.get()
    assert (delivery.served, delivery.impressions, delivery.day) == (3, 0, timezone.localdate())
    assert offered(promotion, viewer())  # someone else still gets it


def test_targeting_regions_age_bands_and_topics():
    food = Topic.objects.get(slug="food")
    promotion = running(audience="custom", regions=["DE-BY"], age_bands=["25_34"])
    promotion.topics.set([food])
    slots.forget()
    assert (
        offered(
            promotion,
            viewer(30, region="DE-BY"),
        )
        is False
    )  # no interest in food yet
    assert slots.slot_for(
        viewer=viewer(30, region="DE-BY"),
        feed="for_you",
        exclude_video_ids=set(),
        topic_interest={food.pk: 0.4},
    )
    for who in (viewer(30, region="DE-BE"), viewer(40, region="DE-BY"), viewer(19, region="DE-BY")):
        assert (
            slots.slot_for(viewer=who, feed="for_you", exclude_video_ids=set(), topic_interest={food.pk: 1.0})
            is None
        )


def test_not_interested_on_a_sponsored_video_hides_that_promotion():
    promotion = running()
    adult = viewer()
    assert offered(promotion, adult)
    assert not slots.slot_for(
        viewer=adult, feed="for_you", exclude_video_ids={promotion.video_id}, topic_interest={}
    )
    # The feed passes what the viewer hid: "Not for me" on the slot.
    signals_record(
        viewer=adult,
        items=[
            SignalInput(
                event_id=uuid.uuid4(),
                video=promotion.video.public_id,
                kind="not_interested",
                source="sponsored",
            )
        ],
    )
    for index in range(8):
        published_video(topics=(("food", "art")[index % 2],))
    assert not any(item.is_sponsored for item in selectors.feed_for_you(viewer=adult).items)


def test_only_the_for_you_feed_carries_slots():
    promotion = running()
    assert slots.slot_for(viewer=viewer(), feed="topic", exclude_video_ids=set(), topic_interest={}) is None
    assert offered(promotion, viewer())


def test_a_promotion_ahead_of_its_even_spend_line_is_skipped():
    # A quarter of the way through, with half its budget spent: ahead of the line.
    ahead = running(budget=100_00, days=4, started_hours_ago=24, spent_cents=50_00, impressions_charged=8334)
    assert not offered(ahead, viewer())
    ahead.spent_cents = 24_00
    ahead.impressions_charged = 4000
    ahead.save()
    slots.forget()
    assert offered(ahead, viewer())


def test_the_promotion_furthest_behind_its_line_is_served_first():
    on_track = running(
        budget=100_00, days=4, started_hours_ago=24, spent_cents=20_00, impressions_charged=3334
    )
    behind = running(budget=100_00, days=4, started_hours_ago=24, spent_cents=1_00, impressions_charged=167)
    adult = viewer()
    ordered = slots.candidates(viewer=adult, exclude_video_ids=set(), topic_interest={})
    assert [live.id for live in ordered] == [behind.pk, on_track.pk]
    slot = slots.slot_for(viewer=adult, feed="for_you", exclude_video_ids=set(), topic_interest={})
    assert slot is not None
    assert slot.promotion_id in {behind.pk, on_track.pk}  # the few furthest behind share the viewers


def test_a_reported_impression_of_a_served_slot_is_charged_once_at_the_published_price():
    promotion = running(cpm=6_00)
    adult = viewer()
    event_id = uuid.uuid4()
    # Reported without being served: not charged.
    impression(adult, promotion.video)
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents) == (0, 0)
    assert offered(promotion, adult)
    assert impression(adult, promotion.video, event_id=event_id).accepted == 1
    assert impression(adult, promotion.video, event_id=event_id).duplicates == 1  # replayed: once
    impression(adult, promotion.video)  # a second impression of one served slot: not charged
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents) == (1, 0)  # 0.6 cents, rounded down
    assert offered(promotion, adult)
    impression(adult, promotion.video)
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents) == (2, 1)  # 1.2 cents
    day = PromotionDay.objects.get(promotion=promotion)
    assert (day.impressions, day.spent_cents, day.day) == (2, 1, timezone.localdate())


def test_a_minor_or_anonymous_report_of_a_sponsored_impression_is_never_charged():
    promotion = running()
    adult = viewer()
    assert offered(promotion, adult)
    # The same viewer key, were it to come back as a minor, is not charged for.
    for who in (viewer(16), viewer_for_user(None)):
        impression(who, promotion.video)
    promotion.refresh_from_db()
    assert promotion.impressions_charged == 0


def test_an_impression_that_would_overspend_is_not_charged_and_the_promotion_completes_with_a_refund(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks
):
    promotion, _ = in_review
    services.promotion_approve(promotion=promotion, actor=reviewer)
    # 5,000 cents at 6.00 per 1,000: 8,333 impressions fit (4,999.8 cents), the 8,334th does not.
    # At its last minute, so the even-spend line allows nearly the whole budget.
    Promotion.objects.filter(pk=promotion.pk).update(
        impressions_charged=8332, spent_cents=4999, **last_minute(7)
    )
    slots.forget()
    adult, other = viewer(), viewer()
    assert offered(promotion, adult)
    assert offered(promotion, other)
    with django_capture_on_commit_callbacks(execute=True):
        impression(adult, promotion.video)
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents, promotion.state) == (
        8333,
        4999,
        "completed",
    )
    assert promotion.state_reason == "Completed: it spent its whole budget."
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (1, "unspent", "succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        impression(other, promotion.video)
    promotion.refresh_from_db()
    assert promotion.impressions_charged == 8333
    assert promotion.spent_cents <= promotion.budget_cents
    assert not offered(promotion, viewer())


def test_a_promotion_whose_days_are_over_completes_and_refunds_the_unspent_budget(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks
):
    promotion, _ = in_review
    services.promotion_approve(promotion=promotion, actor=reviewer)
    Promotion.objects.filter(pk=promotion.pk).update(impressions_charged=2000, spent_cents=12_00)
    later = timezone.now() + datetime.timedelta(days=promotion.duration_days, minutes=1)
    assert services.promotions_finish_due(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.promotions_finish_due(now=later) == 1
    promotion.refresh_from_db()
    assert (promotion.state, promotion.state_reason) == ("completed", "Completed: it ran for all its days.")
    assert promotion.finished_at is not None
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (38_00, "unspent", "succeeded")
    assert services.promotions_finish_due(now=later) == 0  # once
    assert Refund.objects.count() == 1


def test_moderating_the_video_stops_its_promotion_and_refunds_what_is_left(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks
):
    from creators.services import video_moderate

    promotion, _ = in_review
    services.promotion_approve(promotion=promotion, actor=reviewer)
    Promotion.objects.filter(pk=promotion.pk).update(impressions_charged=1000, spent_cents=6_00)
    with django_capture_on_commit_callbacks(execute=True):
        video_moderate(actor=reviewer, video=promotion.video, state=Video.Moderation.LIMITED, reason="Spam")
    promotion.refresh_from_db()
    assert promotion.state == "completed"
    assert "limited by moderation" in promotion.state_reason
    assert Refund.objects.get().amount_cents == 44_00
    assert not offered(promotion, viewer())
    assert AuditEntry.objects.filter(action="promotion.completed", target_id=str(promotion.pk)).exists()


def test_moderating_a_video_in_review_rejects_its_promotion_with_a_full_refund(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks
):
    from creators.services import video_moderate

    promotion, _ = in_review
    with django_capture_on_commit_callbacks(execute=True):
        video_moderate(actor=reviewer, video=promotion.video, state=Video.Moderation.REMOVED, reason="Scam")
    promotion.refresh_from_db()
    assert promotion.state == "rejected"
    assert Refund.objects.get().amount_cents == 50_00


def test_a_video_has_one_live_promotion_at_a_time(stripe_local):
    promotion = running()
    with pytest.raises(ValidationError, match="already has a promotion"):
        services.promotion_create(
            business=promotion.business,
            video=promotion.video,
            goal="video_views",
            budget_cents=20_00,
            duration_days=3,
        )
    assert Promotion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_threads_charging_a_nearly_spent_promotion_never_overspend():
    # Room for exactly 5 more impressions (6.00 per 1,000 cents: 1,666 fit in 10.00).
    promotion = running(budget=10_00, cpm=6_00)
    Promotion.objects.filter(pk=promotion.pk).update(
        impressions_charged=1661, spent_cents=996, **last_minute(7)
    )
    viewers = [viewer() for _ in range(16)]
    for who in viewers:
        assert offered(promotion, who)
    barrier = threading.Barrier(len(viewers))
    failures: list[BaseException] = []

    def report(who):
        try:
            barrier.wait()
            impression(who, promotion.video)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(who,)) for who in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    promotion.refresh_from_db()
    assert promotion.impressions_charged == 1666
    assert promotion.spent_cents == 999 <= promotion.budget_cents
    assert sum(PromotionDay.objects.filter(promotion=promotion).values_list("impressions", flat=True)) == 5


def test_through_the_api_paid_approved_served_charged_completed_and_refunded_the_unspent_part(
    in_review, reviewer, eager_tasks, django_capture_on_commit_callbacks, stripe_local
):
    from rest_framework.test import APIClient

    from tests.businesses.test_review import _stripe_refunds

    promotion, intent_id = in_review
    services.promotion_approve(promotion=promotion, actor=reviewer)
    for index in range(10):
        published_video(topics=(("food", "art")[index % 2],))
    client = APIClient()
    adult = established_adult(years=40)
    client.force_authenticate(adult)
    InterestProfile.objects.create(viewer_key=f"u:{adult.pk}", user=adult, seen=[promotion.video_id])
    page = client.get("/api/v1/feeds/for-you").json()
    item = next(item for item in page["results"] if item["is_sponsored"])
    assert item["source"] == "sponsored"
    assert item["sponsor"]["name"] == promotion.business.legal_name
    assert item["sponsor"]["click_url"] == f"/promotions/{promotion.public_id}/visit"
    events = [
        {
            "event_id": str(uuid.uuid4()),
            "video": item["video"]["id"],
            "kind": "impression",
            "source": "sponsored",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/v1/signals", {"events": events}, format="json")
    assert answer.json()["accepted"] == 1
    promotion.refresh_from_db()
    assert (promotion.impressions_charged, promotion.spent_cents) == (1, 0)
    Promotion.objects.filter(pk=promotion.pk).update(impressions_charged=500, spent_cents=3_00)
    with django_capture_on_commit_callbacks(execute=True):
        services.promotions_finish_due(now=timezone.now() + datetime.timedelta(days=8))
    promotion.refresh_from_db()
    assert promotion.state == "completed"
    assert _stripe_refunds(stripe_local, intent_id) == [(47_00, "succeeded")]


def test_the_slot_button_counts_a_visit_once_a_day_and_leads_to_the_website(client):
    promotion = running()
    url = f"/promotions/{promotion.public_id}/visit"
    for _ in range(2):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "https://example.com")
    assert PromotionDay.objects.get(promotion=promotion).website_clicks == 1
    Promotion.objects.filter(pk=promotion.pk).update(goal=Promotion.Goal.PROFILE_VISITS)
    promotion.refresh_from_db()
    response = Client().get(url)
    assert response["Location"] == f"/@{promotion.business.creator.handle}/"
    assert PromotionDay.objects.get(promotion=promotion).profile_visits == 1
    assert Client().get(f"/promotions/{uuid.uuid4()}/visit").status_code == 404


def test_the_business_pauses_and_resumes_its_promotion_and_nobody_else_can(api_client):
    promotion = running()
    owner = promotion.business.creator.user
    stranger_business = running()
    api_client.force_authenticate(stranger_business.business.creator.user)
    url = f"/api/v1/business/promotions/{promotion.public_id}"
    assert api_client.post(f"{url}/pause").status_code == 404
    api_client.force_authenticate(owner)
    answer = api_client.post(f"{url}/pause")
    assert (answer.status_code, answer.json()["state"]) == (200, "paused")
    assert promotion.pk not in candidate_ids(viewer())
    assert api_client.post(f"{url}/pause").status_code == 409
    answer = api_client.post(f"{url}/resume")
    assert (answer.status_code, answer.json()["state"]) == (200, "active")
    assert promotion.pk in candidate_ids(viewer())
    promotion.refresh_from_db()
    assert promotion.state == "active"


def test_the_promotion_page_pauses_and_resumes(client):
    promotion = running()
    client.force_login(promotion.business.creator.user)
    page = client.get(f"/business/promotions/{promotion.public_id}/")
    assert b"Pause the promotion" in page.content
    response = client.post(f"/business/promotions/{promotion.public_id}/pause")
    assert response.status_code == 302
    promotion.refresh_from_db()
    assert promotion.state == "paused"
    assert b"Resume the promotion" in client.get(f"/business/promotions/{promotion.public_id}/").content
    client.post(f"/business/promotions/{promotion.public_id}/resume")
    promotion.refresh_from_db()
    assert promotion.state == "active"


@pytest.mark.django_db(transaction=True)
def test_a_stale_snapshot_keeps_serving_while_a_background_thread_reloads_it(settings):
    from businesses.serving import PromotionSlots

    settings.PROMOTION_SNAPSHOT_SECONDS = 5.0
    provider = PromotionSlots()
    first = running()
    old = provider.snapshot()
    assert [live.id for live in old.lives] == [first.pk]
    second = running()
    assert provider.snapshot() is old  # fresh enough: no query
    old.loaded_at -= 10  # five seconds have passed
    assert provider.snapshot() is old  # the request goes on with what it has...
    # ...while the reload runs beside it
    eventually(lambda: provider.snapshot() is not old, timeout=5, what="the reload beside the request")
    assert sorted(live.id for live in provider.snapshot().lives) == sorted([first.pk, second.pk])
    # What a running promotion cannot change is kept; what it spends is read again.
    assert old.lives[0] in provider.snapshot().lives
    Promotion.objects.filter(pk=first.pk).update(spent_cents=7, impressions_charged=12)
    reloaded = provider.snapshot()
    reloaded.loaded_at -= 10
    provider.snapshot()
    eventually(lambda: provider.snapshot() is not reloaded, timeout=5, what="the second reload")
    assert provider.snapshot().spent[first.pk] == 7
