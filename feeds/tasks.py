"""Celery tasks of the feeds app: the periodic signal rollup and pruning."""

from celery import shared_task

from feeds import services


@shared_task(name="feeds.tasks.signals_rollup_task", acks_late=True, soft_time_limit=240, time_limit=300)
def signals_rollup_task() -> int:
    return services.signals_rollup()


@shared_task(name="feeds.tasks.signals_prune_task", acks_late=True)
def signals_prune_task() -> int:
    return services.signals_prune()
