"""Celery tasks of the core app: a liveness ping, housekeeping and notification emails."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="platform.tasks.ping_task", acks_late=True)
def ping_task() -> str:
    """Answer ``pong``; used by health checks and by the test that starts a real worker."""
    return "pong"


@shared_task(name="platform.tasks.sessions_clear_expired_task", acks_late=True)
def sessions_clear_expired_task() -> int:
    """Delete expired database sessions (anonymous viewers create many)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(
    name="platform.tasks.notifications_email_task", acks_late=True, soft_time_limit=50, time_limit=58
)
def notifications_email_task() -> int:
    """Every minute: one email per opted-in person listing their notifications that are due (past their
    quiet hours) and not yet emailed. Safe to overlap with itself; answers how many emails went out."""
    from platform.notifications import notifications_email_send

    return notifications_email_send()
