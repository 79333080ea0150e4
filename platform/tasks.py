"""Celery tasks of the core app: a liveness ping, housekeeping and notification emails."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext


@shared_task(name="platform.tasks.ping_task", acks_late=True, ignore_result=False)
def ping_task() -> str:
    """Answer ``pong``; used by health checks and by the test that starts a real worker (the one task
    whose result is kept: ``CELERY_TASK_IGNORE_RESULT``)."""
    return "pong"


@shared_task(name="platform.tasks.sessions_clear_expired_task", acks_late=True)
def sessions_clear_expired_task() -> int:
    """Delete expired database sessions (anonymous viewers create many)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(
    name="platform.tasks.data_export_build_task", acks_late=True, soft_time_limit=30 * 60, time_limit=31 * 60
)
def data_export_build_task(*, export_id: int) -> None:
    """Build one "download your data" ZIP; a rerun after a crash starts it again from scratch."""
    from platform import personal_data

    try:
        personal_data.data_export_build(export_id=export_id)
    except SoftTimeLimitExceeded:
        personal_data.data_export_fail(
            export_id=export_id, reason=gettext("Preparing your data took too long.")
        )


@shared_task(name="platform.tasks.data_exports_expire_task", acks_late=True)
def data_exports_expire_task() -> int:
    """Delete the files of data exports whose link has expired."""
    from platform.personal_data import data_exports_expire

    return data_exports_expire()


@shared_task(
    name="platform.tasks.accounts_delete_due_task",
    acks_late=True,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def accounts_delete_due_task() -> int:
    """Delete the accounts whose 14 days of grace are over (each run only does what is left)."""
    from platform.account_deletion import accounts_delete_due

    return accounts_delete_due()


@shared_task(
    name="platform.tasks.notifications_email_task", acks_late=True, soft_time_limit=50, time_limit=58
)
def notifications_email_task() -> int:
    """Every minute: one email per opted-in person listing their notifications that are due (past their
    quiet hours) and not yet emailed. Safe to overlap with itself; answers how many emails went out."""
    from platform.notifications import notifications_email_send

    return notifications_email_send()
