"""Search's data: one folded document per video, the terms (creators, hashtags, topics) that suggestions and
the Creators and Hashtags tabs read, and the notices staff attach to watched search terms.

Each engine indexes these tables its own way (``feeds.search.backends``): PostgreSQL with GIN indexes
(full text and trigrams), SQLite with FTS5 tables that triggers keep in step. They are written only by
``feeds.search.indexing``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from creators.models import Video


class VideoDocument(models.Model):
    """The words a video is found by (``text.fold``-ed caption, hashtags, topics, creator name and handle)."""

    video = models.OneToOneField(
        Video, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    document = models.TextField()
    # The folded hashtag names in ``document``: when they change, both old and new hashtags' counts do.
    hashtags = models.TextField(blank=True)
    # What the indexer read of the video itself when it wrote the row. ``listed``: published, visible, public
    # and not labelled unverified (the video's part of ``recommendable_videos``); ``adults_only``: rated
    # mature or age-restricted. A search looks only at listed rows, without the adults-only ones for those
    # who may not see them, then checks its best matches against the whole rule (``search_eligible``).
    listed = models.BooleanField(default=False)
    adults_only = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "feeds"

    def __str__(self) -> str:
        return f"search document of video {self.video_id}"


class SearchWord(models.Model):
    """Every word the documents hold, once: PostgreSQL corrects a query's typos against these (a small
    table with a trigram index) and then searches the documents by the corrected words."""

    word = models.CharField(max_length=64, unique=True)

    class Meta:
        app_label = "feeds"

    def __str__(self) -> str:
        return self.word


class SearchTerm(models.Model):
    """A creator, hashtag or topic as search finds it: by ``text`` (folded), shown as ``label``. A creator
    has two: their handle and their name."""

    class Kind(models.TextChoices):
        CREATOR = "creator", gettext_lazy("Creator")
        HASHTAG = "hashtag", gettext_lazy("Hashtag")
        TOPIC = "topic", gettext_lazy("Topic")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    text = models.CharField(max_length=200, db_index=True)  # prefixes: suggestions as one types
    label = models.CharField(max_length=120)
    # Published public videos behind it: orders suggestions (popular first) and is shown on the tabs.
    video_count = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "feeds"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "text"], name="feeds_searchterm_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.label}"


class SearchNotice(models.Model):
    """An information banner shown above the results of searches for watched topics (elections, health),
    with a link to a source staff trust."""

    terms = models.TextField(
        help_text=gettext_lazy(
            "One term a line; a search containing every word of one of them shows the notice. "
            "Accents and case are ignored."
        ),
        verbose_name=gettext_lazy("terms"),
    )
    message = models.CharField(max_length=300, verbose_name=gettext_lazy("message"))
    link_url = models.URLField(
        help_text=gettext_lazy("A trusted source, opened from the banner."),
        verbose_name=gettext_lazy("link url"),
    )
    link_label = models.CharField(
        max_length=80, default="Learn more", verbose_name=gettext_lazy("link label")
    )
    is_active = models.BooleanField(default=True, verbose_name=gettext_lazy("active"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("search notice")
        verbose_name_plural = gettext_lazy("search notices")
        app_label = "feeds"

    def __str__(self) -> str:
        return self.message[:60]
