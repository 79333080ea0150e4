"""Celery tasks of the businesses app: thin, idempotent wrappers that take ids and call one service."""

from celery import shared_task

from businesses import gateway, services


@shared_task(
    name="businesses.tasks.refund_send_task",
    acks_late=True,
    autoretry_for=(gateway.GatewayError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=12,
    soft_time_limit=60,
    time_limit=90,
)
def refund_send_task(*, refund_id: int) -> None:
    # Only "unreachable" reaches here as an exception; the retry reuses the refund's idempotency key.
    services.refund_send(refund_id=refund_id)


@shared_task(name="businesses.tasks.promotions_finish_due_task", soft_time_limit=120, time_limit=150)
def promotions_finish_due_task() -> int:
    """Every minute: complete the promotions whose days are over or whose budget is spent."""
    return services.promotions_finish_due()


@shared_task(name="businesses.tasks.promotion_results_rollup_task", soft_time_limit=120, time_limit=150)
def promotion_results_rollup_task() -> int:
    """Every minute: fold new sponsored signals into the promotions' results."""
    from businesses.services.results import promotion_results_rollup

    return promotion_results_rollup()


def video_changed_listener(video_id: int) -> None:
    """A video was moderated, hidden or deleted (after commit): stop its promotions if it may no longer
    be shown. Done here and now when it has a live promotion, so serving stops at once."""
    from businesses.models import LIVE_STATES, Promotion

    if Promotion.objects.filter(video_id=video_id, state__in=LIVE_STATES).exists():
        services.promotions_stop_for_video(video_id=video_id)
