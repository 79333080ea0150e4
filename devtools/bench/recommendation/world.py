"""The simulated world of ``benchmark_recommendation``: a catalogue whose topics each have one or more
hashtags, and viewers with hidden tastes: a few hashtags across topics (``--case specific``, half of them
changing two halfway) or two or three whole topics (``--case topics``), and a few favourite creators."""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from devtools.synthetic import WatchedView
from feeds.models import VideoStats
from platform.models import User

TAGS_PER_TOPIC = 5
NOISE = 0.05  # how often a viewer reacts against their own taste (moods differ)


@dataclass(frozen=True, slots=True)
class Clip:
    pk: int
    public_id: uuid.UUID
    topic: int
    creator: int
    hashtags: frozenset[int]
    duration: float
    quality: float
    published_at: datetime.datetime


@dataclass
class Taste:
    """One simulated viewer: the hashtags and creators they like, and the swap they make if they drift."""

    index: int
    user_id: int
    hashtags: set[int]
    creators: set[int]
    drift: tuple[list[int], list[int]] | None  # (dropped, taken up) at the halfway point
    rng: random.Random = field(default_factory=random.Random)
    liked_now: set[int] = field(default_factory=set)

    def reset(self, *, seed: int) -> None:
        self.rng.seed(seed)
        self.liked_now = set(self.hashtags)

    def change_taste(self) -> None:
        if self.drift:
            dropped, taken = self.drift
            self.liked_now = (self.liked_now - set(dropped)) | set(taken)

    def likes(self, clip: Clip) -> bool:
        return clip.creator in self.creators or not self.liked_now.isdisjoint(clip.hashtags)

    def watch(self, clip: Clip, *, key: str, at: datetime.datetime) -> WatchedView:
        """How this viewer watches ``clip``: most or all of it when liked (sometimes again), a skip in the
        first seconds when not, now and then "not interested"; likes and shares on some liked ones."""
        rng = self.rng
        liked = self.likes(clip) != (rng.random() < NOISE)
        view = WatchedView(
            viewer_key=key, video_id=clip.pk, duration=clip.duration, started_at=at, watched=0.0
        )
        if liked:
            if rng.random() < min(0.95, 0.7 * clip.quality):
                view.watched = clip.duration
                view.loops = 1 if rng.random() < 0.2 else 0
                view.is_liked = rng.random() < 0.35
            else:
                view.watched = round(clip.duration * rng.uniform(0.5, 0.95), 2)
            view.is_shared = rng.random() < 0.08
        elif rng.random() < 0.05:
            view.is_not_interested, view.watched = True, round(rng.uniform(0.5, 1.5), 2)
        elif rng.random() < 0.85:
            view.watched = round(rng.uniform(0.3, 1.9), 2)
        else:
            view.watched = round(rng.uniform(2.0, max(2.5, clip.duration * 0.3)), 2)
        return view


@dataclass
class World:
    clips: dict[int, Clip]
    tastes: list[Taste]
    popularity: dict[int, VideoStats]  # the background statistics, before any strategy ran
    now: datetime.datetime


def world_build(
    *, videos: int, creators: int, viewers: int, rng: random.Random, tastes: str = "specific"
) -> World:
    """The catalogue and its viewers; ``tastes`` is the case: ``specific`` (hashtags across topics, five
    to a topic) or ``topics`` (whole topics, one hashtag to a topic, so a topic's hashtag is the topic)."""
    tags_per_topic = TAGS_PER_TOPIC if tastes == "specific" else 1
    now = timezone.now()
    topics = list(Topic.objects.exclude(slug="news").order_by("pk"))  # News lists verified publishers only
    tags = {
        topic.pk: [Hashtag.objects.create(name=f"{topic.slug}{index}").pk for index in range(tags_per_topic)]
        for topic in topics
    }
    born = now.date().replace(year=1990)
    users = User.objects.bulk_create(
        [
            User(email=f"c{i}@sim.invalid", display_name=f"C{i}", date_of_birth=born, password="!")
            for i in range(creators)
        ]
    )
    profiles = CreatorProfile.objects.bulk_create(
        [
            CreatorProfile(user=user, handle=f"sim_{i}", display_name=f"Sim {i}")
            for i, user in enumerate(users)
        ]
    )
    creator_topic = {profile.pk: rng.choice(topics).pk for profile in profiles}
    rows = []
    for index in range(videos):
        length = round(rng.uniform(8.0, 60.0), 1)
        rows.append(
            Video(
                owner=rng.choice(profiles),
                caption=f"sim {index}",
                state=Video.State.PUBLISHED,
                duration=length,
                rendition_duration=length,
                trim_end=length,
                original=f"sim/{index}.mp4",
                rendition=f"sim/{index}-r.mp4",
                published_at=now - datetime.timedelta(hours=rng.uniform(0, 24 * 30)),
            )
        )
    saved = Video.objects.bulk_create(rows)
    clips: dict[int, Clip] = {}
    for video in saved:
        topic = creator_topic[video.owner_id]
        clips[video.pk] = Clip(
            pk=video.pk,
            public_id=video.public_id,
            topic=topic,
            creator=video.owner_id,
            hashtags=frozenset(rng.sample(tags[topic], min(len(tags[topic]), rng.choice((1, 2))))),
            duration=float(video.duration or 0.0),
            quality=rng.uniform(0.6, 1.25),
            published_at=video.published_at or now,
        )
    VideoTopic.objects.bulk_create(
        [
            VideoTopic(video_id=clip.pk, topic_id=clip.topic, review_state="approved")
            for clip in clips.values()
        ]
    )
    through = Video.hashtags.through
    through.objects.bulk_create(
        [through(video_id=clip.pk, hashtag_id=tag) for clip in clips.values() for tag in clip.hashtags]
    )
    _background(clips, rng)
    popularity = {stats.video_id: stats for stats in VideoStats.objects.all()}
    viewer_users = User.objects.bulk_create(
        [
            User(email=f"v{i}@sim.invalid", display_name=f"V{i}", date_of_birth=born, password="!")
            for i in range(viewers)
        ]
    )
    if tastes == "topics":
        return World(
            clips=clips, tastes=_topic_tastes(clips, viewer_users, rng), popularity=popularity, now=now
        )
    return World(
        clips=clips, tastes=_hashtag_tastes(clips, tags, viewer_users, rng), popularity=popularity, now=now
    )


def _hashtag_tastes(
    clips: dict[int, Clip], tags: dict[int, list[int]], viewer_users: list[User], rng: random.Random
) -> list[Taste]:
    """3–5 hashtags drawn across topics (physics but not chemistry), one or two favourite creators; every
    other viewer swaps two of their hashtags for two others halfway."""
    every_tag = [tag for topic_tags in tags.values() for tag in topic_tags]
    by_creator = sorted({clip.creator for clip in clips.values()})
    tastes = []
    for index, user in enumerate(viewer_users):
        liked_topics = rng.sample(sorted(tags), rng.choice((3, 4, 5)))  # one hashtag each: across topics
        liked = [rng.choice(tags[topic]) for topic in liked_topics]
        drift = None
        if index % 2 == 1:
            dropped = rng.sample(liked, 2)
            taken = rng.sample([tag for tag in every_tag if tag not in liked], 2)
            drift = (dropped, taken)
        favourites = set(rng.sample(by_creator, rng.choice((1, 2))))
        tastes.append(Taste(index, user.pk, set(liked), favourites, drift, random.Random(rng.random())))
    return tastes


def _topic_tastes(clips: dict[int, Clip], viewer_users: list[User], rng: random.Random) -> list[Taste]:
    """Two or three whole topics (their one hashtag each), a creator of each and two more; no drift."""
    tag_of: dict[int, int] = {}
    creators_of: dict[int, set[int]] = {}
    for clip in clips.values():
        tag_of[clip.topic] = next(iter(clip.hashtags))
        creators_of.setdefault(clip.topic, set()).add(clip.creator)
    topics = sorted(tag_of)
    every_creator = sorted({clip.creator for clip in clips.values()})
    tastes = []
    for index, user in enumerate(viewer_users):
        liked = rng.sample(topics, rng.choice((2, 3)))
        favourites = {rng.choice(sorted(creators_of[topic])) for topic in liked}
        favourites |= set(rng.sample(every_creator, min(2, len(every_creator))))
        hashtags = {tag_of[topic] for topic in liked}
        tastes.append(Taste(index, user.pk, hashtags, favourites, None, random.Random(rng.random())))
    return tastes


def _background(clips: dict[int, Clip], rng: random.Random) -> None:
    """Popularity that owes nothing to any one viewer's taste: some videos are just well made."""
    stats = []
    for clip in clips.values():
        impressions = int(rng.paretovariate(1.3) * 20)
        completions = int(impressions * min(0.9, 0.3 * clip.quality * rng.uniform(0.7, 1.3)))
        stats.append(
            VideoStats(
                video_id=clip.pk,
                impressions=impressions,
                completions=completions,
                likes=completions // 5,
                shares=completions // 20,
                skips=impressions // 3,
                recent_completions=completions,
            )
        )
    VideoStats.objects.bulk_create(stats)
