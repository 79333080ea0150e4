"""Joyreel's admin site: a home page that opens with what waits for a moderator's decision, and the models
grouped by the work people do with them (trust and safety first) instead of by the app that defines them.

Apps register their queues here (``moderation_queue_register``) from their own admin modules, so this lowest
layer names none of them. A new queue (held comments, once comments exist) is one more registration."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Count, Min, Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True, kw_only=True)
class ModerationQueue:
    """Rows that wait for a decision: a filtered changelist of ``model``'s admin.

    ``query`` is the changelist's query string and, as ORM lookups, the filter on the admin's own queryset
    (so a queue the admin narrows per person, like the topic reviewers', counts what that person sees). Who
    may see the queue is who may view that changelist. ``waiting_since`` names the field that says since
    when a row waits, or is a function that finds the oldest such moment among the rows; None shows no age.
    """

    title: StrOrPromise
    model: type[Model]
    query: Mapping[str, str] = field(default_factory=dict)
    waiting_since: str | Callable[[QuerySet[Any]], datetime.datetime | None] | None = "created_at"
    position: int = 100


@dataclass(frozen=True, kw_only=True)
class QueueState:
    title: StrOrPromise
    count: int
    oldest: datetime.datetime | None
    url: str

    @property
    def waited(self) -> datetime.timedelta | None:
        return None if self.oldest is None else timezone.now() - self.oldest


_QUEUES: list[ModerationQueue] = []


def moderation_queue_register(queue: ModerationQueue) -> None:
    """Show ``queue`` on the admin's home page, for staff who may view its changelist."""
    if all(known.title != queue.title for known in _QUEUES):
        _QUEUES.append(queue)


# The home page's groups, in order: (heading, model labels); a heading is translated when shown and its
# English words make the group's CSS class. Models not named here keep their app's group,
# after these, so a newly registered model is never hidden.
SECTIONS: list[tuple[str, list[str]]] = [
    (
        gettext_noop("Trust and safety"),
        [
            "creators.Report",
            "creators.ReportedComment",
            "creators.Appeal",
            "creators.ReviewVideo",
            "creators.ReviewProfile",
            "creators.ReviewComment",
            "creators.Decision",
            "creators.WatchedWord",
            "platform.AuditEntry",
        ],
    ),
    (
        gettext_noop("Videos and creators"),
        [
            "creators.Video",
            "creators.TopicReview",
            "creators.VideoTopic",
            "creators.CreatorProfile",
            "creators.Topic",
            "creators.Hashtag",
            "creators.Follow",
        ],
    ),
    (gettext_noop("Accounts"), ["platform.User", "auth.Group", "authtoken.TokenProxy"]),
    (
        gettext_noop("Businesses and promotions"),
        [
            "businesses.Promotion",
            "businesses.BusinessProfile",
            "businesses.Payment",
            "businesses.Refund",
            "businesses.PromotionPrice",
            "businesses.StripeEvent",
        ],
    ),
    (
        gettext_noop("Feeds and analytics"),
        [
            "feeds.Signal",
            "feeds.InterestProfile",
            "feeds.VideoStats",
            "feeds.CreatorDay",
            "feeds.RollupState",
        ],
    ),
    (gettext_noop("Sign-in security"), ["axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"]),
]


class JoyreelAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Joyreel administration")
    site_title = gettext_lazy("Joyreel admin")
    index_title = gettext_lazy("Moderation home")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps  # an app's own page lists that app's models, as Django does
        models = {entry["model"]._meta.label: entry for app in apps for entry in app["models"]}
        grouped: list[dict[str, Any]] = []
        placed: set[str] = set()
        for heading, labels in SECTIONS:
            entries = [models[label] for label in labels if label in models]
            placed.update(label for label in labels if label in models)
            if entries:
                slug = heading.lower().replace(" ", "-")
                grouped.append(
                    {
                        "name": gettext(heading),
                        "app_label": slug,
                        "app_url": "",
                        "has_module_perms": True,
                        "models": entries,
                    }
                )
        for app in apps:
            rest = [entry for entry in app["models"] if entry["model"]._meta.label not in placed]
            if rest:
                grouped.append({**app, "models": rest})
        return grouped

    def moderation_queues(self, request: HttpRequest) -> list[QueueState]:
        """The registered queues this person may view, with how many rows wait and since when."""
        states = []
        for queue in sorted(_QUEUES, key=lambda queue: queue.position):
            model_admin = self._registry.get(queue.model)
            if model_admin is None or not model_admin.has_view_permission(request):
                continue
            rows = model_admin.get_queryset(request).filter(**queue.query)
            oldest: datetime.datetime | None = None
            if isinstance(queue.waiting_since, str):
                figures = rows.aggregate(count=Count("pk"), oldest=Min(queue.waiting_since))
                count, oldest = figures["count"], figures["oldest"]
            else:
                count = rows.count()
                if count and queue.waiting_since is not None:
                    oldest = queue.waiting_since(rows)
            opts = queue.model._meta
            url = reverse(f"{self.name}:{opts.app_label}_{opts.model_name}_changelist")
            if queue.query:
                url = f"{url}?{urlencode(queue.query)}"
            states.append(QueueState(title=queue.title, count=count, oldest=oldest, url=url))
        return states

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {"moderation_queues": self.moderation_queues(request), **(extra_context or {})}
        return super().index(request, context)


class JoyreelAdminConfig(AdminConfig):
    """``django.contrib.admin`` with Joyreel's site as ``admin.site``."""

    default_site = "platform.admin_site.JoyreelAdminSite"
