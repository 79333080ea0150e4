"""Charging sponsored impressions, and finishing promotions that have spent their budget or time.

An impression is charged only when the player reports it for a slot that was served to that viewer
that day (``PromotionDelivery.impressions < served``), at the promotion's published price. The budget
is never read and rewritten: one conditional UPDATE adds the impression only if the total stays within
the budget, so no number of web processes charging at once can overspend it.

Nor is it charged when it comes from an account that looks made to be shown promotions: one younger
than ``rules.CHARGEABLE_ACCOUNT_AGE``, or one with no watching of its own in the signal log
(``feeds.selectors.viewer_has_watched_organically``). Such an impression still uses up its served
slot, and is counted as invalid traffic on the promotion's day, for the business to see.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from businesses import rules
from businesses.models import LIVE_STATES, Promotion, PromotionDay, PromotionDelivery, Refund
from businesses.services.promotions import promotion_locked, promotion_move, video_promotable_problem
from businesses.services.review import refund_owed, refund_send_after_commit
from feeds.selectors import viewer_has_watched_organically
from platform.models import User
from platform.viewer import Viewer


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _delivery_take(*, viewer_key: str, video_id: int, day: datetime.date, is_valid: bool) -> int | None:
    """Mark one served slot of this video's active promotion as seen by this viewer, as a valid or an
    invalid impression; its promotion id."""
    deliveries, promotions = _table(PromotionDelivery), _table(Promotion)
    column = "impressions" if is_valid else "invalid_impressions"
    sql = (
        f"UPDATE {deliveries} SET {column} = {column} + 1 "  # noqa: S608
        "WHERE viewer_key = %s AND day = %s AND impressions + invalid_impressions < served AND promotion_id IN "
        f"(SELECT id FROM {promotions} WHERE video_id = %s AND state = %s) RETURNING promotion_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer_key, day, video_id, Promotion.State.ACTIVE])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _charge_one(*, promotion_id: int) -> tuple[int, int, int, int] | None:
    """Add one impression to the promotion if it stays within its budget.

    Returns (impressions, spent, price per 1,000, budget) after the charge, or None."""
    table = _table(Promotion)
    sql = (
        f"UPDATE {table} SET impressions_charged = impressions_charged + 1, "  # noqa: S608
        "spent_cents = ((impressions_charged + 1) * cpm_cents) / 1000 "
        "WHERE id = %s AND state = %s AND (impressions_charged + 1) * cpm_cents <= budget_cents * 1000 "
        "RETURNING impressions_charged, spent_cents, cpm_cents, budget_cents"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [promotion_id, Promotion.State.ACTIVE])
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else None


def _day_add(*, promotion_id: int, day: datetime.date, spent_cents: int) -> None:
    table = _table(PromotionDay)
    sql = (
        f"INSERT INTO {table} (promotion_id, day, impressions, spent_cents, views, watch_seconds, "  # noqa: S608
        "completions, likes, follows, profile_visits, website_clicks) "
        "VALUES (%s, %s, 1, %s, 0, 0, 0, 0, 0, 0, 0) "
        "ON CONFLICT (promotion_id, day) DO UPDATE SET "
        f"impressions = {table}.impressions + 1, spent_cents = {table}.spent_cents + %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [promotion_id, day, spent_cents, spent_cents])


def _invalid_add(*, promotion_id: int, day: datetime.date) -> None:
    table = _table(PromotionDay)
    sql = (
        f"INSERT INTO {table} (promotion_id, day, impressions, invalid_impressions, spent_cents, views, "  # noqa: S608
        "watch_seconds, completions, likes, follows, profile_visits, website_clicks) "
        "VALUES (%s, %s, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0) "
        f"ON CONFLICT (promotion_id, day) DO UPDATE SET invalid_impressions = {table}.invalid_impressions + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [promotion_id, day])


def viewer_is_chargeable(*, viewer: Viewer, now: datetime.datetime) -> bool:
    """Whether a business may be charged for showing this viewer its promotion: an account old enough,
    that watches on its own (the query asked only of accounts old enough)."""
    user = viewer.user
    if user is None or not rules.account_old_enough_to_charge(joined_at=user.date_joined, now=now):
        return False
    return viewer_has_watched_organically(viewer_key=viewer.key)


def impressions_charge(*, viewer: Viewer, video_ids: Sequence[int], now: datetime.datetime) -> int:
    """Charge the reported sponsored impressions that were served; returns how many were charged.

    Runs inside the signal pipeline's transaction. A promotion whose budget cannot take one more
    impression is finished (and refunded what is left) after commit. Impressions of a viewer that may
    not be charged for are recorded as invalid traffic instead."""
    day = timezone.localdate(now)
    is_valid = viewer_is_chargeable(viewer=viewer, now=now)
    charged = 0
    for video_id in video_ids:
        promotion_id = _delivery_take(viewer_key=viewer.key, video_id=video_id, day=day, is_valid=is_valid)
        if promotion_id is None:
            continue
        if not is_valid:
            _invalid_add(promotion_id=promotion_id, day=day)
            continue
        after = _charge_one(promotion_id=promotion_id)
        if after is None:
            transaction.on_commit(functools.partial(promotion_finish_if_due, promotion_id=promotion_id))
            continue
        impressions, spent, cpm_cents, budget_cents = after
        _day_add(
            promotion_id=promotion_id,
            day=day,
            spent_cents=spent - rules.spend_for(impressions=impressions - 1, cpm_cents=cpm_cents),
        )
        charged += 1
        if not rules.budget_takes_one_more(
            impressions=impressions, cpm_cents=cpm_cents, budget_cents=budget_cents
        ):
            transaction.on_commit(functools.partial(promotion_finish_if_due, promotion_id=promotion_id))
    return charged


# --- finishing ---------------------------------------------------------------------------------


def promotion_finish(*, promotion: Promotion, reason: str, actor: User | None = None) -> Promotion:
    """Stop a running promotion for good: completed, and refunded its unspent budget automatically."""
    with transaction.atomic():
        promotion = promotion_locked(promotion=promotion)
        if promotion.state not in (Promotion.State.ACTIVE, Promotion.State.PAUSED):
            return promotion
        promotion.finished_at = timezone.now()
        promotion.save(update_fields=["finished_at", "updated_at"])
        promotion_move(promotion=promotion, to=Promotion.State.COMPLETED, reason=reason, actor=actor)
        refund = refund_owed(promotion=promotion, reason=Refund.Reason.UNSPENT)
    if refund is not None:
        refund_send_after_commit(refund=refund)
    from businesses.serving import slots

    slots.forget()  # this process stops serving it now; the others within PROMOTION_SNAPSHOT_SECONDS
    return promotion


def promotion_finish_if_due(*, promotion_id: int, now: datetime.datetime | None = None) -> bool:
    """Finish the promotion if its time is up or its budget is spent; whether it did."""
    now = now or timezone.now()
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None or promotion.state not in (Promotion.State.ACTIVE, Promotion.State.PAUSED):
        return False
    if promotion.ends_at is not None and promotion.ends_at <= now:
        promotion_finish(promotion=promotion, reason="Completed: it ran for all its days.")
        return True
    if not rules.budget_takes_one_more(
        impressions=promotion.impressions_charged,
        cpm_cents=promotion.cpm_cents,
        budget_cents=promotion.budget_cents,
    ):
        promotion_finish(promotion=promotion, reason="Completed: it spent its whole budget.")
        return True
    return False


def promotions_finish_due(*, now: datetime.datetime | None = None) -> int:
    """Finish every running promotion whose time is up or whose budget is spent (the beat job)."""
    now = now or timezone.now()
    running = Promotion.objects.filter(state__in=[Promotion.State.ACTIVE, Promotion.State.PAUSED])
    # A budget that cannot take one more impression: the charging UPDATE's condition, negated.
    due = (
        running.alias(next_cost=(F("impressions_charged") + 1) * F("cpm_cents"), cap=F("budget_cents") * 1000)
        .filter(Q(ends_at__lte=now) | Q(next_cost__gt=F("cap")))
        .values_list("pk", flat=True)
    )
    return sum(promotion_finish_if_due(promotion_id=pk, now=now) for pk in list(due))


def promotions_stop_for_video(*, video_id: int) -> int:
    """A video changed (moderated, made private, deleted): stop the promotions that may no longer show it.

    A running one completes and gets its unspent budget back; one still in review is rejected and
    refunded in full; an unpaid one is cancelled. The business sees why."""
    from businesses.services.review import promotion_cancel, promotion_reject

    stopped = 0
    live = Promotion.objects.filter(video_id=video_id, state__in=LIVE_STATES).select_related(
        "video", "business"
    )
    for promotion in live:
        problem = video_promotable_problem(
            video=promotion.video, business=promotion.business, promotion=promotion
        )
        if problem is None:
            continue
        why = STOPPED_REASON.get(promotion.video.moderation_state, STOPPED_REASON[""])
        if promotion.state == Promotion.State.IN_REVIEW:
            promotion_reject(promotion=promotion, actor=None, reason=why)
        elif promotion.state == Promotion.State.AWAITING_PAYMENT:
            promotion_cancel(promotion=promotion, actor=None, reason=why)
        else:
            promotion_finish(promotion=promotion, reason=why)
        stopped += 1
    return stopped


STOPPED_REASON = {
    "removed": "Stopped: its video was removed for breaking the community guidelines.",
    "limited": "Stopped: its video was limited by moderation, so it is no longer recommended.",
    "": "Stopped: its video can no longer be promoted (it is not public, published and for all ages).",
}
