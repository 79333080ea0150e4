"""Give the demo world a few weeks of viewers: signals through the real ingestion, then the rollup.

Forty synthetic anonymous viewers, each with two or three favourite topics, watch the demo videos
over the last three weeks: they finish, like and share what they love and skip the rest. The
rollup turns that into the stats For You ranks by (trending, quality, co-watch). Idempotent.
"""

import datetime
import random
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.utils import timezone

from creators.models import Topic, Video, VideoTopic
from feeds import services
from feeds.models import Signal, Source
from platform.viewer import viewer_for_user

KEY_PREFIX = "a:demo-"
DAYS = 21


class DemoSignals:
    """What ``manage.py seed_demo_signals`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        if Signal.objects.filter(viewer_key__startswith=KEY_PREFIX).exists():
            self.stdout.write("Demo signals exist.")
            return
        videos = list(
            Video.objects.filter(state=Video.State.PUBLISHED, visibility=Video.Visibility.PUBLIC).values_list(
                "pk", "public_id", "rendition_duration", "duration"
            )
        )
        if not videos:
            self.stdout.write("No published videos yet: run seed_demo_videos first.")
            return
        topics_of: dict[int, set[str]] = {}
        for video_id, slug in VideoTopic.objects.values_list("video_id", "topic__slug"):
            topics_of.setdefault(video_id, set()).add(slug)
        slugs = list(Topic.objects.values_list("slug", flat=True))
        rng = random.Random(options["seed"])
        now = timezone.now()
        recorded = 0
        for number in range(options["viewers"]):
            key = f"{KEY_PREFIX}{number:03d}"
            viewer = viewer_for_user(None, key=key)
            loves = set(rng.sample(slugs, rng.choice((2, 3))))
            watched = rng.sample(videos, min(len(videos), rng.randint(15, 35)))
            events: list[services.SignalInput] = []
            for video_id, public_id, rendition_duration, duration in watched:
                length = float(rendition_duration or duration or 0.0)
                fan = bool(loves & topics_of.get(video_id, set()))
                events.append(self._event(public_id, "impression", 0.0))
                if fan or rng.random() < 0.25:
                    events.append(
                        self._event(public_id, "complete", length, looped=rng.randint(0, 2) if fan else 0)
                    )
                    if rng.random() < (0.45 if fan else 0.1):
                        events.append(self._event(public_id, "like", 0.0))
                    if fan and rng.random() < 0.12:
                        events.append(self._event(public_id, "share", 0.0))
                else:
                    events.append(self._event(public_id, "skip", round(rng.uniform(0.4, 1.8), 2)))
                    if rng.random() < 0.05:
                        events.append(self._event(public_id, "not_interested", 0.0))
            for start in range(0, len(events), settings.SIGNAL_BATCH_MAX):
                result = services.signals_record(
                    viewer=viewer, items=events[start : start + settings.SIGNAL_BATCH_MAX]
                )
                recorded += result.accepted
            # Spread this viewer's evening over the last three weeks, as if it happened then.
            day = now - datetime.timedelta(days=rng.uniform(0, DAYS))
            Signal.objects.filter(viewer_key=key).update(created_at=day)
        read = services.signals_rollup(now=now)
        self.stdout.write(
            f"Recorded {recorded} demo signals from {options['viewers']} viewers; rolled up {read}."
        )

    @staticmethod
    def _event(public_id: uuid.UUID, kind: str, watched: float, looped: int = 0) -> services.SignalInput:
        return services.SignalInput(
            event_id=uuid.uuid4(),
            video=public_id,
            kind=kind,
            source=Source.FOR_YOU,
            watched_seconds=watched,
            looped=looped,
        )


def seed_demo_signals(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_signals`` with the options its command parsed."""
    DemoSignals(stdout=stdout, stderr=stderr).handle(**options)
