"""The Celery application: a ``default`` queue for short jobs and a ``media`` queue for video work."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings.local")

app = Celery("joyreel")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _configure() -> None:
    from django.conf import settings

    broker_options: dict[str, object] = {}
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        # kombu's filesystem transport reads and writes message files in one folder.
        broker_dir = settings.CELERY_BROKER_DIR
        (broker_dir / "processed").mkdir(parents=True, exist_ok=True)
        (broker_dir / "control").mkdir(parents=True, exist_ok=True)
        broker_options = {
            "data_folder_in": str(broker_dir),
            "data_folder_out": str(broker_dir),
            "processed_folder": str(broker_dir / "processed"),
            # Broadcast (control) exchanges; kombu's default is ./control in the working directory.
            "control_folder": str(broker_dir / "control"),
            "store_processed": False,
        }
        if settings.CELERY_RESULT_BACKEND.startswith("file://"):
            os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)
    else:
        broker_options = {"visibility_timeout": 60 * 60}

    app.conf.update(
        broker_transport_options=broker_options,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=60 * 60 * 24,
        timezone="UTC",
        task_default_queue="default",
        task_queues=(Queue("default"), Queue("media")),
        task_routes={
            "creators.tasks.video_process_task": {"queue": "media"},
            "creators.tasks.video_render_task": {"queue": "media"},
            "creators.tasks.video_cover_task": {"queue": "media"},
        },
        # Tasks are written to be idempotent, so a worker that dies mid-task
        # leaves the message to be redelivered instead of lost.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=5 * 60,
        task_time_limit=6 * 60,
        beat_schedule_filename=str(settings.CELERY_BEAT_SCHEDULE_FILE),
        beat_schedule={
            "clear-expired-sessions": {
                "task": "platform.tasks.sessions_clear_expired_task",
                "schedule": 60 * 60 * 6,
            },
            "roll-up-signals": {"task": "feeds.tasks.signals_rollup_task", "schedule": 60},
            # With FEED_POOLS_URL: what a failed write missed reaches the shared pools within a minute.
            "sync-feed-pools": {"task": "feeds.tasks.pools_sync_task", "schedule": 60},
            "email-notifications": {"task": "platform.tasks.notifications_email_task", "schedule": 60},
            # Creators' daily analytics: a day closes 15 minutes after it ends; checking every 5 minutes
            # makes yesterday's numbers appear by 00:20 UTC, and catches up a month a run after an outage.
            "roll-up-analytics": {"task": "feeds.tasks.analytics_rollup_task", "schedule": 5 * 60},
            # Hashtag pages' video and view counts and the trending hashtags per region.
            "roll-up-hashtags": {"task": "feeds.tasks.hashtags_rollup_task", "schedule": 5 * 60},
            # SQLite: the planner's statistics of what search's eligibility check reads (a no-op on
            # PostgreSQL, whose autovacuum keeps them).
            "search-statistics": {"task": "feeds.tasks.search_statistics_task", "schedule": 60 * 60 * 6},
            "finish-promotions": {"task": "businesses.tasks.promotions_finish_due_task", "schedule": 60},
            "roll-up-promotions": {"task": "businesses.tasks.promotion_results_rollup_task", "schedule": 60},
            "prune-signals": {"task": "feeds.tasks.signals_prune_task", "schedule": 60 * 60 * 24},
            "expire-data-exports": {"task": "platform.tasks.data_exports_expire_task", "schedule": 60 * 60},
            "delete-accounts-due": {"task": "platform.tasks.accounts_delete_due_task", "schedule": 60 * 60},
            # Scheduled videos go live within a minute of their time.
            "publish-scheduled-videos": {"task": "creators.tasks.videos_publish_due_task", "schedule": 60},
            "recover-stuck-videos": {
                "task": "creators.tasks.videos_recover_stuck_task",
                # Half the work lease (VIDEO_WORK_LEASE_SECONDS): dead work is re-queued soon after it expires.
                "schedule": 30,
                "options": {"queue": "default"},
            },
        },
    )


_configure()
app.autodiscover_tasks()
