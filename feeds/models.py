"""Feeds' data: the raw signal log, viewers' interest profiles, per-video ranking stats, co-watch links.

Reports of videos and accounts live in ``creators`` (``creators.models.Report``), with the decisions they
lead to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from creators.models import CreatorProfile, Hashtag, Topic, Video


class Source(models.TextChoices):
    FOR_YOU = "for_you", "For You"
    FOLLOWING = "following", "Following"
    TOPIC = "topic", "Topic"
    LOCAL = "local", "Local"
    PROFILE = "profile", "Profile"
    LINK = "link", "Shared link"
    SPONSORED = "sponsored", "Sponsored"
    HASHTAG = "hashtag", "Hashtag page"
    # Written by the server only (not accepted from the player): a comment posted on the video.
    COMMENTS = "comments", "Comments"


class Signal(models.Model):
    """One interaction, as the player reported it. Written only through ``feeds.services.signals_record``."""

    class Kind(models.TextChoices):
        IMPRESSION = "impression", "Impression"
        PROGRESS = "progress", "Watch progress"
        COMPLETE = "complete", "Completion"
        LIKE = "like", "Like"
        UNLIKE = "unlike", "Unlike"
        SHARE = "share", "Share"
        FOLLOW = "follow", "Follow"
        SKIP = "skip", "Skip"
        NOT_INTERESTED = "not_interested", "Not interested"
        # Written by the server when the viewer posts a comment (``feeds.services.comment_signal_record``);
        # the player cannot send it.
        COMMENT = "comment", "Comment"

    viewer_key = models.CharField(max_length=40, help_text="u:<user id> or a:<anonymous id>")
    event_id = models.UUIDField(help_text="The client's id for the event; duplicates are dropped.")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    position = models.PositiveIntegerField(default=0)
    watched_seconds = models.FloatField(default=0.0)
    looped = models.PositiveSmallIntegerField(default=0)
    # Which topic feed the video was watched in (source "topic"), for creators' traffic sources.
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["viewer_key", "event_id"], name="signal_event_once")]
        # Few indexes on purpose: every one costs every insert. Rollups walk the primary
        # key from a watermark; pruning walks created_at; the unique (viewer_key, event_id)
        # index also serves lookups by viewer. Per-video analytics read the rollups.
        indexes = [models.Index(fields=["created_at"], name="signal_created")]

    def __str__(self) -> str:
        return f"{self.viewer_key} {self.kind} {self.video_id}"


class InterestProfile(models.Model):
    """A viewer's decayed interests and recent history, kept in one row so ranking reads it in one query."""

    viewer_key = models.CharField(max_length=40, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interest_profile",
    )
    # Per topic ("t"), hashtag ("h") and creator ("c") the outcomes of the views that had it, and how
    # many views had it ("tv", "hv", "cv"), decayed with time; "r" is the same for the last few views.
    weights = models.JSONField(default=dict, blank=True)
    outcomes = models.JSONField(
        default=dict, blank=True, help_text="The outcome credited so far to each recent view, by video id."
    )
    seen = models.JSONField(default=list, blank=True, help_text="Recently shown video ids, newest last.")
    hidden = models.JSONField(default=list, blank=True, help_text="Videos marked not interested.")
    favourites = models.JSONField(
        default=list, blank=True, help_text="Recently completed or liked video ids."
    )
    not_for_me = models.JSONField(
        default=dict,
        blank=True,
        help_text='When the viewer last said "not for me" to each creator (creator id: unix seconds).',
    )
    # A copy of the viewer's HashtagFollow rows (hashtag ids, newest last), so For You reads them with the
    # profile in its one query; written only by ``feeds.tags.services``.
    followed_hashtags = models.JSONField(default=list, blank=True, help_text="Followed hashtag ids.")
    # A copy of the creators this viewer's feeds never show (blocked either way, or muted: creator profile
    # ids), so ranking leaves them out in the profile's one query; written only by ``feeds.hidden_creators``.
    hidden_creators = models.JSONField(
        default=list, blank=True, help_text="Creators blocked either way or muted (creator profile ids)."
    )
    signal_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.viewer_key


class VideoStats(models.Model):
    """Per-video totals rolled up from signals; the ranking's popularity and quality inputs."""

    video = models.OneToOneField(Video, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    impressions = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    likes = models.IntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    skips = models.PositiveIntegerField(default=0)
    not_interested = models.PositiveIntegerField(default=0)
    watch_seconds = models.FloatField(default=0.0)
    recent_completions = models.FloatField(default=0.0, help_text="Completions, decayed by age (trending).")
    updated_at = models.DateTimeField(default=timezone.now)

    COUNTERS = ("impressions", "completions", "likes", "shares", "skips", "not_interested")

    class Meta:
        verbose_name_plural = "video stats"

    def __str__(self) -> str:
        return f"stats of {self.video_id}"


class CoWatch(models.Model):
    """Viewers who completed ``video`` also completed ``other`` (``weight`` of them, decayed)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "other"], name="cowatch_pair_once")]
        indexes = [models.Index(fields=["video", "-weight"], name="cowatch_top")]

    def __str__(self) -> str:
        return f"{self.video_id} ~ {self.other_id}"


class RollupState(models.Model):
    """Where the signal rollup got to (one row per job): the last signal read, or the last day closed."""

    name = models.CharField(max_length=40, unique=True)
    last_signal_id = models.BigIntegerField(default=0)
    last_day = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_signal_id}"


# --- creator analytics: raw profile visits and the daily rollups the dashboard reads ---------------


class ProfileVisit(models.Model):
    """One opening of a creator's profile page; raw like signals, pruned with them, rolled up by day."""

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+", db_index=False)
    viewer_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="profile_visit_created")]

    def __str__(self) -> str:
        return f"{self.viewer_key} -> {self.creator_id}"


class VideoDay(models.Model):
    """One video's day: views (with their outcome), engagement, where they came from and how far they got.

    A view belongs to the day its impression was sent; likes, shares and the rest to the day they were
    sent. The creator's own views and staff views are not counted."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+", db_index=False)
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    watch_seconds = models.FloatField(default=0.0)
    completions = models.PositiveIntegerField(default=0, help_text="Views watched to the end at least once.")
    early_skips = models.PositiveIntegerField(default=0, help_text="Views left within the first 2 seconds.")
    likes = models.IntegerField(default=0, help_text="Likes less unlikes.")
    shares = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0, help_text="Comments and replies posted by others.")
    follows = models.PositiveIntegerField(default=0, help_text="Follows from this video's page.")
    not_interested = models.PositiveIntegerField(default=0)
    sources = models.JSONField(
        default=dict, blank=True, help_text='Views by source ("topic:<id>" per topic).'
    )
    reach = models.JSONField(
        default=list, blank=True, help_text="Views by how far the first loop got, in 2% steps (51 counts)."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "day"], name="video_day_once")]
        # Covers a creator's top videos of a range (grouped by video in index order, no table reads).
        indexes = [
            models.Index(
                fields=[
                    "creator",
                    "video",
                    "day",
                    "views",
                    "watch_seconds",
                    "completions",
                    "likes",
                    "shares",
                    "comments",
                ],
                name="video_day_creator_totals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id} on {self.day}"


class VideoReach(models.Model):
    """A video's views and reach histogram over all rolled-up days: the creator's median retention curve."""

    video = models.OneToOneField(Video, on_delete=models.CASCADE, primary_key=True, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)
    reach = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"reach of {self.video_id}"


class CreatorDay(models.Model):
    """One creator's day over all their videos, with profile visits and follower changes."""

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    viewers = models.PositiveIntegerField(default=0, help_text="Distinct viewers that day.")
    watch_seconds = models.FloatField(default=0.0)
    completions = models.PositiveIntegerField(default=0)
    early_skips = models.PositiveIntegerField(default=0)
    likes = models.IntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0, help_text="Comments and replies posted by others.")
    not_interested = models.PositiveIntegerField(default=0)
    profile_views = models.PositiveIntegerField(default=0)
    follows_gained = models.PositiveIntegerField(default=0)
    follows_lost = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "day"], name="creator_day_once")]

    def __str__(self) -> str:
        return f"{self.creator_id} on {self.day}"


class AudienceDay(models.Model):
    """One viewer of one creator on one day, described only by band, place and hour: distinct counts over
    any range come from here. ``viewer`` is the user id, or a 63-bit hash (negative) of an anonymous key."""

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    viewer = models.BigIntegerField()
    age_band = models.CharField(max_length=8)
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=10, blank=True)
    prev_day = models.DateField(
        null=True,
        blank=True,
        help_text="The viewer's last earlier day with this creator; empty: their first.",
    )
    weekday = models.PositiveSmallIntegerField(help_text="Monday is 0.")
    hour = models.PositiveSmallIntegerField(help_text="Hour (UTC) of the day's first view.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "day", "viewer"], name="audience_day_once")]
        indexes = [
            # The rollup's look-up of each viewer's last earlier day.
            models.Index(fields=["viewer", "day"], name="audience_viewer_day"),
            # A range's unique viewers and audience breakdowns, read from the index alone.
            models.Index(
                fields=["creator", "day", "prev_day", "age_band", "country", "region", "weekday", "hour"],
                name="audience_first_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer} of {self.creator_id} on {self.day}"


# --- hashtag pages: follows, and what the rollup works out per hashtag ------------------------------


class HashtagFollow(models.Model):
    """A viewer follows a hashtag: its videos join their For You candidates."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="hashtag_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.hashtag_id}"


class HashtagStats(models.Model):
    """A hashtag's recommendable videos and their views, counted by the hashtag rollup (not per request)."""

    hashtag = models.OneToOneField(Hashtag, on_delete=models.CASCADE, primary_key=True, related_name="+")
    videos = models.PositiveIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "hashtag stats"

    def __str__(self) -> str:
        return f"stats of {self.hashtag_id}"


class TrendingHashtag(models.Model):
    """The hashtags trending in one region ("" for everywhere), ranked by the hashtag rollup."""

    region = models.CharField(max_length=10, blank=True)
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "rank"], name="trending_hashtag_rank_once"),
            models.UniqueConstraint(fields=["region", "hashtag"], name="trending_hashtag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region or 'everywhere'} #{self.rank}: {self.hashtag_id}"


# Search's tables are defined beside its code (feeds.search); imported here so Django registers them.
from feeds.search.models import SearchNotice, SearchTerm, SearchWord, VideoDocument  # noqa: E402, F401
