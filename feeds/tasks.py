"""Celery tasks of the feeds app: the periodic signal rollups (ranking stats, creators' daily analytics),
pruning, hashtag counts and trending hashtags, and catching the shared candidate pools up."""

from celery import shared_task

from feeds import services
from feeds.analytics import rollup
from feeds.tags import services as tag_services


@shared_task(name="feeds.tasks.signals_rollup_task", acks_late=True, soft_time_limit=240, time_limit=300)
def signals_rollup_task() -> int:
    return services.signals_rollup()


@shared_task(name="feeds.tasks.signals_prune_task", acks_late=True)
def signals_prune_task() -> int:
    return services.signals_prune()


@shared_task(name="feeds.tasks.analytics_rollup_task", acks_late=True, soft_time_limit=240, time_limit=300)
def analytics_rollup_task() -> int:
    return rollup.analytics_rollup()


@shared_task(name="feeds.tasks.pools_sync_task", acks_late=True, soft_time_limit=240, time_limit=300)
def pools_sync_task() -> int:
    return services.pools_sync()


@shared_task(name="feeds.tasks.hashtags_rollup_task", acks_late=True, soft_time_limit=240, time_limit=300)
def hashtags_rollup_task() -> int:
    return tag_services.hashtags_rollup()


@shared_task(name="feeds.tasks.search_statistics_task", acks_late=True, soft_time_limit=240, time_limit=300)
def search_statistics_task() -> None:
    from feeds.search.indexing import planner_statistics

    planner_statistics()
