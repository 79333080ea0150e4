"""Writes of the interests step: the picks seed the viewer's interest profile (``seeding``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creators.models import Topic
from feeds import ranking
from feeds.models import InterestProfile
from feeds.ranking import Weights
from feeds.welcome.seeding import seed_weights
from feeds.welcome.selectors import hashtags_pickable
from platform.viewer import Viewer

MAX_TOPICS = 8
MAX_HASHTAGS = 12


@dataclass(frozen=True)
class Picks:
    topic_ids: tuple[int, ...]
    hashtag_ids: tuple[int, ...]


def _checked(*, topic_ids: Sequence[int], hashtag_ids: Sequence[int]) -> Picks:
    """The picks without repeats, or a ValidationError naming what is wrong (nothing is written)."""
    topics, hashtags = tuple(dict.fromkeys(topic_ids)), tuple(dict.fromkeys(hashtag_ids))
    errors: dict[str, list[ValidationError]] = {}
    if len(topics) > MAX_TOPICS:
        errors["topics"] = [
            ValidationError(_("Pick at most %(count)s topics.") % {"count": MAX_TOPICS}, code="too_many")
        ]
    elif unknown := set(topics) - set(Topic.objects.filter(pk__in=topics).values_list("pk", flat=True)):
        errors["topics"] = [
            ValidationError(
                _("Unknown topic: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))},
                code="unknown_topic",
            )
        ]
    if len(hashtags) > MAX_HASHTAGS:
        errors["hashtags"] = [
            ValidationError(_("Pick at most %(count)s hashtags.") % {"count": MAX_HASHTAGS}, code="too_many")
        ]
    elif unknown := set(hashtags) - hashtags_pickable(hashtags):
        # A hashtag no video the feeds may show carries (or only mature ones do) is never seeded.
        errors["hashtags"] = [
            ValidationError(
                _("Unknown hashtag: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))},
                code="unknown_hashtag",
            )
        ]
    if errors:
        raise ValidationError(errors)
    return Picks(topic_ids=topics, hashtag_ids=hashtags)


def interests_pick(
    *,
    viewer: Viewer,
    topic_ids: Sequence[int],
    hashtag_ids: Sequence[int],
    now: datetime.datetime | None = None,
) -> Picks:
    """Seed a signed-in viewer's interest profile with what they said they enjoy.

    The profile is decayed to now first (as learning does), so a seed is never aged by time that passed
    before it; only the weights and their clock are written. Picking nothing writes nothing."""
    if viewer.user is None:
        raise ValidationError(_("Sign in to choose what you enjoy."), code="not_authenticated")
    picks = _checked(topic_ids=topic_ids, hashtag_ids=hashtag_ids)
    if not picks.topic_ids and not picks.hashtag_ids:
        return picks
    now = now or timezone.now()
    with transaction.atomic():
        profile = InterestProfile.objects.select_for_update().filter(viewer_key=viewer.key).first()
        if profile is None:
            try:
                with transaction.atomic():
                    profile = InterestProfile.objects.create(
                        viewer_key=viewer.key, user_id=viewer.user_id, updated_at=now
                    )
            except IntegrityError:  # a first signal batch made it a moment ago
                profile = InterestProfile.objects.select_for_update().get(viewer_key=viewer.key)
        history = ranking.learn(
            history=ranking.History(
                weights=Weights.from_json(profile.weights), seen=[], hidden=[], favourites=[]
            ),
            events=(),
            days_since_update=max(0.0, (now - profile.updated_at).total_seconds() / 86400.0),
            now_ts=now.timestamp(),
        )
        seed_weights(weights=history.weights, topic_ids=picks.topic_ids, hashtag_ids=picks.hashtag_ids)
        profile.weights = history.weights.to_json()
        profile.updated_at = now
        profile.save(update_fields=["weights", "updated_at"])
    return picks
