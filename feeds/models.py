"""Feeds' data: the raw signal log, viewers' interest profiles, per-video ranking stats, co-watch links.

Reports of videos and accounts live in ``creators`` (``creators.models.Report``), with the decisions they
lead to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from creators.models import CreatorProfile, Hashtag, Topic, Video


class Source(models.TextChoices):
    FOR_YOU = "for_you", gettext_lazy("For You")
    FOLLOWING = "following", gettext_lazy("Following")
    TOPIC = "topic", gettext_lazy("Topic")
    LOCAL = "local", gettext_lazy("Local")
    PROFILE = "profile", gettext_lazy("Profile")
    LINK = "link", gettext_lazy("Shared link")
    SPONSORED = "sponsored", gettext_lazy("Sponsored")
    HASHTAG = "hashtag", gettext_lazy("Hashtag page")
    # Written by the server only (not accepted from the player): a comment posted on the video.
    COMMENTS = "comments", gettext_lazy("Comments")


class Signal(models.Model):
    """One interaction, as the player reported it. Written only through ``feeds.services.signals_record``."""

    class Kind(models.TextChoices):
        IMPRESSION = "impression", gettext_lazy("Impression")
        PROGRESS = "progress", gettext_lazy("Watch progress")
        COMPLETE = "complete", gettext_lazy("Completion")
        LIKE = "like", gettext_lazy("Like")
        UNLIKE = "unlike", gettext_lazy("Unlike")
        SHARE = "share", gettext_lazy("Share")
        FOLLOW = "follow", gettext_lazy("Follow")
        SKIP = "skip", gettext_lazy("Skip")
        NOT_INTERESTED = "not_interested", gettext_lazy("Not interested")
        # Written by the server when the viewer posts a comment (``feeds.services.comment_signal_record``);
        # the player cannot send it.
        COMMENT = "comment", gettext_lazy("Comment")

    viewer_key = models.CharField(
        max_length=40,
        help_text=gettext_lazy("u:<user id> or a:<anonymous id>"),
        verbose_name=gettext_lazy("viewer key"),
    )
    event_id = models.UUIDField(
        help_text=gettext_lazy("The client's id for the event; duplicates are dropped."),
        verbose_name=gettext_lazy("event ID"),
    )
    video = models.ForeignKey(
        Video, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=gettext_lazy("video")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    source = models.CharField(max_length=12, choices=Source.choices, verbose_name=gettext_lazy("source"))
    position = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("position"))
    watched_seconds = models.FloatField(default=0.0, verbose_name=gettext_lazy("watched seconds"))
    looped = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("looped"))
    # Which topic feed the video was watched in (source "topic"), for creators' traffic sources.
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=gettext_lazy("topic"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("signal")
        verbose_name_plural = gettext_lazy("signals")
        constraints = [models.UniqueConstraint(fields=["viewer_key", "event_id"], name="signal_event_once")]
        # Few indexes on purpose: every one costs every insert. Rollups walk the primary
        # key from a watermark; pruning walks created_at; the unique (viewer_key, event_id)
        # index also serves lookups by viewer. Per-video analytics read the rollups.
        indexes = [models.Index(fields=["created_at"], name="signal_created")]

    def __str__(self) -> str:
        return f"{self.viewer_key} {self.kind} {self.video_id}"


class InterestProfile(models.Model):
    """A viewer's decayed interests and recent history, kept in one row so ranking reads it in one query."""

    viewer_key = models.CharField(max_length=40, unique=True, verbose_name=gettext_lazy("viewer key"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interest_profile",
        verbose_name=gettext_lazy("user"),
    )
    # Per topic ("t"), hashtag ("h") and creator ("c") the outcomes of the views that had it, and how
    # many views had it ("tv", "hv", "cv"), decayed with time; "r" is the same for the last few views.
    weights = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("weights"))
    outcomes = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("The outcome credited so far to each recent view, by video id."),
        verbose_name=gettext_lazy("outcomes"),
    )
    seen = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Recently shown video ids, newest last."),
        verbose_name=gettext_lazy("seen"),
    )
    hidden = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Videos marked not interested."),
        verbose_name=gettext_lazy("hidden"),
    )
    favourites = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Recently completed or liked video ids."),
        verbose_name=gettext_lazy("favourites"),
    )
    not_for_me = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            'When the viewer last said "not for me" to each creator (creator id: unix seconds).'
        ),
        verbose_name=gettext_lazy("not for me"),
    )
    # A copy of the viewer's HashtagFollow rows (hashtag ids, newest last), so For You reads them with the
    # profile in its one query; written only by ``feeds.tags.services``.
    followed_hashtags = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Followed hashtag ids."),
        verbose_name=gettext_lazy("followed hashtags"),
    )
    # A copy of the creators this viewer's feeds never show (blocked either way, or muted: creator profile
    # ids), so ranking leaves them out in the profile's one query; written only by ``feeds.hidden_creators``.
    hidden_creators = models.JSONField(
        default=list, blank=True, help_text="Creators blocked either way or muted (creator profile ids)."
    )
    signal_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("signal count"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("interest profile")
        verbose_name_plural = gettext_lazy("interest profiles")

    def __str__(self) -> str:
        return self.viewer_key


class VideoStats(models.Model):
    """Per-video totals rolled up from signals; the ranking's popularity and quality inputs."""

    video = models.OneToOneField(
        Video,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stats",
        verbose_name=gettext_lazy("video"),
    )
    impressions = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("impressions"))
    completions = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("completions"))
    likes = models.IntegerField(default=0, verbose_name=gettext_lazy("likes"))
    shares = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("shares"))
    skips = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("skips"))
    not_interested = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("not interested"))
    watch_seconds = models.FloatField(default=0.0, verbose_name=gettext_lazy("watch seconds"))
    recent_completions = models.FloatField(
        default=0.0,
        help_text=gettext_lazy("Completions, decayed by age (trending)."),
        verbose_name=gettext_lazy("recent completions"),
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("updated at"))

    COUNTERS = ("impressions", "completions", "likes", "shares", "skips", "not_interested")

    class Meta:
        verbose_name = gettext_lazy("video stats")
        verbose_name_plural = gettext_lazy("video stats")

    def __str__(self) -> str:
        return f"{self.video_id} ({self._meta.verbose_name})"


class CoWatch(models.Model):
    """Viewers who completed ``video`` also completed ``other`` (``weight`` of them, decayed)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "other"], name="cowatch_pair_once")]
        # For You's co-watch read (a favourite's strongest neighbours) from the index alone: with ``other``
        # in it, no row is looked up (SQLite 140 -> 53 us for ten favourites of ~20 neighbours each).
        indexes = [models.Index(fields=["video", "-weight", "other"], name="cowatch_top_other")]

    def __str__(self) -> str:
        return f"{self.video_id} ~ {self.other_id}"


class RollupState(models.Model):
    """Where the signal rollup got to (one row per job): the last signal read, or the last day closed."""

    name = models.CharField(max_length=40, unique=True, verbose_name=gettext_lazy("name"))
    last_signal_id = models.BigIntegerField(default=0, verbose_name=gettext_lazy("last signal id"))
    last_day = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("last day"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("rollup state")
        verbose_name_plural = gettext_lazy("rollup states")

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
    completions = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Views watched to the end at least once.")
    )
    early_skips = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Views left within the first 2 seconds.")
    )
    likes = models.IntegerField(default=0, help_text=gettext_lazy("Likes less unlikes."))
    shares = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Comments and replies posted by others.")
    )
    follows = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Follows from this video's page.")
    )
    not_interested = models.PositiveIntegerField(default=0)
    sources = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy('Views by source ("topic:<id>" per topic).')
    )
    reach = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Views by how far the first loop got, in 2% steps (51 counts)."),
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
        return f"{self.video_id} · {self.day}"


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

    creator = models.ForeignKey(
        CreatorProfile,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=gettext_lazy("creator"),
    )
    day = models.DateField(verbose_name=gettext_lazy("day"))
    views = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("views"))
    viewers = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Distinct viewers that day."), verbose_name=gettext_lazy("viewers")
    )
    watch_seconds = models.FloatField(default=0.0, verbose_name=gettext_lazy("watch seconds"))
    completions = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("completions"))
    early_skips = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("early skips"))
    likes = models.IntegerField(default=0, verbose_name=gettext_lazy("likes"))
    shares = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("shares"))
    comments = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Comments and replies posted by others."),
        verbose_name=gettext_lazy("comments"),
    )
    not_interested = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("not interested"))
    profile_views = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("profile views"))
    follows_gained = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("follows gained"))
    follows_lost = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("follows lost"))

    class Meta:
        verbose_name = gettext_lazy("creator day")
        verbose_name_plural = gettext_lazy("creator days")
        constraints = [models.UniqueConstraint(fields=["creator", "day"], name="creator_day_once")]

    def __str__(self) -> str:
        return f"{self.creator_id} · {self.day}"


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
        help_text=gettext_lazy("The viewer's last earlier day with this creator; empty: their first."),
    )
    weekday = models.PositiveSmallIntegerField(help_text=gettext_lazy("Monday is 0."))
    hour = models.PositiveSmallIntegerField(help_text=gettext_lazy("Hour (UTC) of the day's first view."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "day", "viewer"], name="audience_day_once")]
        indexes = [
            # The rollup's look-up of each viewer's last earlier day with the creator, read from the index
            # alone (by viewer and day only, each of the viewer's rows with other creators was read too).
            models.Index(fields=["viewer", "creator", "day"], name="audience_viewer_creator_day"),
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

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    hashtag = models.ForeignKey(
        Hashtag, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("hashtag")
    )
    created = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created"))

    class Meta:
        verbose_name = gettext_lazy("hashtag follow")
        verbose_name_plural = gettext_lazy("hashtag follows")
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="hashtag_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.hashtag_id}"


class HashtagStats(models.Model):
    """A hashtag's recommendable videos and their views, counted by the hashtag rollup (not per request)."""

    hashtag = models.OneToOneField(
        Hashtag,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=gettext_lazy("hashtag"),
    )
    videos = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("videos"))
    views = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("views"))
    computed_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("computed at"))

    class Meta:
        verbose_name = gettext_lazy("hashtag stats")
        verbose_name_plural = gettext_lazy("hashtag stats")

    def __str__(self) -> str:
        return f"{self.hashtag_id} ({self._meta.verbose_name})"


class TrendingHashtag(models.Model):
    """The hashtags trending in one region ("" for everywhere), ranked by the hashtag rollup."""

    region = models.CharField(max_length=10, blank=True, verbose_name=gettext_lazy("region"))
    hashtag = models.ForeignKey(
        Hashtag, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("hashtag")
    )
    rank = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("rank"))
    score = models.FloatField(verbose_name=gettext_lazy("score"))
    computed_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("computed at"))

    class Meta:
        verbose_name = gettext_lazy("trending hashtag")
        verbose_name_plural = gettext_lazy("trending hashtags")
        constraints = [
            models.UniqueConstraint(fields=["region", "rank"], name="trending_hashtag_rank_once"),
            models.UniqueConstraint(fields=["region", "hashtag"], name="trending_hashtag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region or 'everywhere'} #{self.rank}: {self.hashtag_id}"


# Search's tables are defined beside its code (feeds.search); imported here so Django registers them.
from feeds.search.models import SearchNotice, SearchTerm, SearchWord, VideoDocument  # noqa: E402, F401
