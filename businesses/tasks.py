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
