"""Celery tasks of the core app: a liveness ping and housekeeping."""

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
