"""Creators' data: profiles, follows, the topic taxonomy, hashtags, videos with their media state, and trust and
safety (decisions, appeals, reports, watched words); comments are in ``creators.comments.models``."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# The conversation's models live beside their services; imported here they belong to this app.
from creators.comments.models import Comment as Comment
from creators.comments.models import CommentFilterWord as CommentFilterWord
from creators.comments.models import CommentLike as CommentLike
from creators.comments.models import CommentPolicy
from platform import age, blocking
from platform.guidelines import Guideline

HANDLE_PATTERN = r"^[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_])$"
HANDLE_RULE = _("3–30 letters, digits, underscores or dots; not starting or ending with a dot.")


def avatar_path(instance: CreatorProfile, filename: str) -> str:
    # filename is ours (e.g. "96.jpg"); the folder is a fresh random name per upload.
    return f"avatars/{instance.pk}/{uuid.uuid4().hex}-{filename}"


def video_path(instance: Video, filename: str) -> str:
    return f"videos/{instance.public_id.hex}/{filename}"


def stored_name(instance: models.Model, field: str) -> str:
    """The stored name of a file field as loaded (``instance.<field>.name``; "" for none) without making its
    ``FieldFile``: the field's descriptor wraps the loaded name in one on first read, and a feed page asks
    four file names of each of its twenty videos and creators."""
    value = instance.__dict__.get(field)
    if isinstance(value, str):
        return value
    return getattr(instance, field).name or ""  # read before, assigned, or deferred: as the descriptor says


def poster_version(name: str) -> str:
    """The query that versions a poster's URL: its stored file's name ("poster-1a2b3c4d.jpg"), which
    changes with every new cover."""
    return "?v=" + name.rsplit("/", 1)[-1].removesuffix(".jpg")


class Topic(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_curated = models.BooleanField(
        _("is curated"),
        default=False,
        help_text=_("Videos join a curated topic (STEM, News) only after a reviewer approves."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        # The seeded topics' names are in the catalogue (``creators.topic_names``); others stay as written.
        return gettext(self.name)


class Hashtag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)  # stored lower-case, without '#'

    class Meta:
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self) -> str:
        return f"#{self.name}"


class CreatorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="creator_profile",
    )
    handle = models.CharField(
        _("handle"),
        max_length=30,
        validators=[RegexValidator(HANDLE_PATTERN, HANDLE_RULE)],
    )
    display_name = models.CharField(_("display name"), max_length=50)
    bio = models.CharField(_("bio"), max_length=300, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    avatar_small = models.FileField(_("avatar small"), upload_to=avatar_path, blank=True)
    avatar_large = models.FileField(_("avatar large"), upload_to=avatar_path, blank=True)
    follower_count = models.PositiveIntegerField(_("follower count"), default=0)
    # A watched word matched the bio: it is not shown, and the videos not recommended, until reviewed.
    is_under_review = models.BooleanField(_("is under review"), default=False)
    # Who may comment on this creator's videos; blank: the default for their age (``platform.age``).
    comment_policy = models.CharField(
        _("comment policy"),
        max_length=12,
        choices=CommentPolicy.choices,
        blank=True,
        help_text=_("Blank: the default for their age."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("creator profile")
        verbose_name_plural = _("creator profiles")
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                name="creator_handle_unique_ci",
                violation_error_message=_("That handle is taken."),
            )
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def get_absolute_url(self) -> str:
        return reverse("creators:profile", args=[self.handle])


class Follow(models.Model):
    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Waiting for approval")

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="follows"
    )
    creator = models.ForeignKey(
        CreatorProfile, verbose_name=_("creator"), on_delete=models.CASCADE, related_name="followers"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["follower", "creator"], name="follow_once")]
        indexes = [models.Index(fields=["creator", "status"], name="follow_creator_status")]

    def __str__(self) -> str:
        return f"{self.follower} -> {self.creator}"


class FollowChange(models.Model):
    """One follower gained (+1) or lost (-1), written by the follow services: analytics reads the log, since
    an unfollow deletes its ``Follow`` row."""

    creator = models.ForeignKey(
        CreatorProfile, verbose_name=_("creator"), on_delete=models.CASCADE, related_name="+"
    )
    delta = models.SmallIntegerField(_("delta"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow change")
        verbose_name_plural = _("follow changes")
        constraints = [
            models.CheckConstraint(condition=models.Q(delta__in=[1, -1]), name="follow_change_one")
        ]
        indexes = [models.Index(fields=["created_at"], name="follow_change_created")]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.delta:+d}"


class Video(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PROCESSING = "processing", _("Processing")
        DRAFT = "draft", _("Draft")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        # Rendered and waiting for its publish time (``scheduled_at``); as hidden as a draft until then.
        SCHEDULED = "scheduled", _("Scheduled")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        """The media work a video can fail in; ``working_step`` says which one is running."""

        PROCESSING = "processing", _("Processing")
        PUBLISHING = "publishing", _("Publishing")
        # A new trim of a published video: its failure leaves the live rendition published.
        RETRIM = "retrim", _("Re-trim")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        FOLLOWERS = "followers", _("Followers")
        PRIVATE = "private", _("Only me")

    class ContentLevel(models.TextChoices):
        GENERAL = "general", _("General")
        MATURE = "mature", _("Mature (18+)")

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        LIMITED = "limited", _("Limited")
        REMOVED = "removed", _("Removed")
        # A watched word matched its caption: reachable by link, in no feed, until a moderator decides.
        REVIEW = "review", _("Under review")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        CreatorProfile, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="videos"
    )
    caption = models.CharField(_("caption"), max_length=2200, blank=True)
    hashtags = models.ManyToManyField(Hashtag, verbose_name=_("hashtags"), blank=True, related_name="videos")
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), through="VideoTopic", blank=True, related_name="videos"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    content_level = models.CharField(
        _("content level"), max_length=10, choices=ContentLevel.choices, default=ContentLevel.GENERAL
    )
    moderation_state = models.CharField(
        _("moderation state"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    # Set by moderation decisions only; the creator's own content level is kept apart so a reversal restores it.
    is_age_restricted = models.BooleanField(
        _("age-restricted"), default=False, help_text=_("Adults only, by a moderation decision.")
    )
    is_unverified = models.BooleanField(
        _("unverified claims"),
        default=False,
        help_text=_(
            "Labelled as containing claims that could not be verified: out of For You and topic feeds."
        ),
    )

    # The media state machine; every transition is in creators.services (processing, publishing, uploads).
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.UPLOADED)
    failed_step = models.CharField(
        _("failed step"),
        max_length=12,
        choices=Step.choices,
        blank=True,
        help_text=_("The step of media work that failed."),
    )
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    work_started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    # The running step's lease: refreshed while its worker lives, so a stale one means the work died.
    work_heartbeat_at = models.DateTimeField(_("work heartbeat at"), null=True, blank=True)

    original = models.FileField(_("original"), upload_to=video_path, max_length=200)
    original_filename = models.CharField(
        _("original filename"), max_length=120, blank=True, help_text=_("As the uploader named it.")
    )
    original_size = models.PositiveBigIntegerField(_("original size"), default=0)

    # One column per field of creators.media.ProbeResult (PROBE_FIELDS), filled by the services.
    duration = models.FloatField(_("duration"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    rotation = models.PositiveSmallIntegerField(_("rotation"), default=0)
    fps = models.FloatField(_("fps"), null=True, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=20, blank=True)
    pixel_format = models.CharField(_("pixel format"), max_length=20, blank=True)
    container = models.CharField(_("container"), max_length=10, blank=True)
    has_audio = models.BooleanField(_("has audio"), default=False)
    audio_codec = models.CharField(_("audio codec"), max_length=20, blank=True)

    poster = models.FileField(_("poster"), upload_to=video_path, blank=True, max_length=200)
    preview = models.FileField(_("preview"), upload_to=video_path, blank=True, max_length=200)
    # The trim editor's strip of thumbnails (``media.FILMSTRIP_FRAMES`` square tiles in one JPEG row), made
    # with the preview; blank for videos processed before it existed (the editor shows its ruler only).
    filmstrip = models.FileField(_("filmstrip"), upload_to=video_path, blank=True, max_length=200)
    trim_start = models.FloatField(_("trim start"), default=0.0)
    trim_end = models.FloatField(_("trim end"), null=True, blank=True)
    rendition = models.FileField(_("rendition"), upload_to=video_path, blank=True, max_length=200)
    rendition_duration = models.FloatField(_("rendition duration"), null=True, blank=True)
    rendition_version = models.PositiveIntegerField(_("rendition version"), default=0)
    # The HLS ladder of the same rendition: its master playlist, beside a folder per rung. Blank for
    # videos published before the ladder existed; players then get the single MP4.
    stream = models.FileField(_("stream"), upload_to=video_path, blank=True, max_length=200)
    # The languages of its caption tracks (``CaptionTrack``), kept by the caption services so that a feed
    # page lists them for the MP4's <track> elements without one more query.
    caption_languages = models.JSONField(_("caption languages"), default=list, blank=True)
    # The moment of the original its cover (the poster) shows, chosen in the studio; None: the automatic one.
    poster_seconds = models.FloatField(_("poster seconds"), null=True, blank=True)
    # A new cover was asked for and a worker is making it (the old poster stays until it is stored).
    is_cover_pending = models.BooleanField(_("is cover pending"), default=False)
    # A re-trim of a published video: rendered beside the live rendition, then swapped in.
    pending_trim_start = models.FloatField(_("pending trim start"), null=True, blank=True)
    pending_trim_end = models.FloatField(_("pending trim end"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When the creator asked it to go live; set while it is publishing or scheduled, cleared once live.
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    # Shown on the player's buttons; kept with ``F()`` by the comment services and the signal pipeline.
    comment_count = models.PositiveIntegerField(_("comment count"), default=0)
    like_count = models.PositiveIntegerField(_("like count"), default=0)
    share_count = models.PositiveIntegerField(_("share count"), default=0)
    # Who may comment on this video; blank: as the creator's account says.
    comment_policy = models.CharField(
        _("comment policy"),
        max_length=12,
        choices=CommentPolicy.choices,
        blank=True,
        help_text=_("Blank: as the account says."),
    )

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="video_owner_created"),
            models.Index(fields=["state", "-published_at"], name="video_state_published"),
            # The beat job's look-up of what is due.
            models.Index(fields=["state", "scheduled_at"], name="video_state_scheduled"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(trim_start__gte=0), name="video_trim_start_positive"),
            models.CheckConstraint(
                condition=models.Q(trim_end__isnull=True) | models.Q(trim_end__gt=models.F("trim_start")),
                name="video_trim_range_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="scheduled") | models.Q(scheduled_at__isnull=False),
                name="video_scheduled_has_time",
            ),
        ]
        # Topic reviewers (STEM, News) may label what they review; the reviewer groups hold this permission.
        # gettext_noop: stored in English, shown translated (platform.admin.permission_label).
        permissions = [
            ("label_unverified", gettext_noop("Can label a video as containing unverified claims"))
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.caption[:40] or self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("creators:video", args=[self.public_id])

    @property
    def poster_url(self) -> str:
        """The poster's URL ("" without one), versioned by its stored name: every new cover is stored
        under a new server-made name, so it gets a new URL and no browser keeps showing the old one from
        its cache (the file is sent cacheable for an hour)."""
        if not self.poster.name:
            return ""
        return reverse("creators:video_file", args=[self.public_id, "poster"]) + poster_version(
            self.poster.name
        )

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.UPLOADED, self.State.PROCESSING, self.State.PUBLISHING) or (
            self.pending_trim_end is not None
        )

    @property
    def is_stuck(self) -> bool:
        """Media work started and its worker has stopped refreshing the lease: it died mid-step."""
        if self.work_started_at is None:
            return False
        lease_from = self.work_heartbeat_at or self.work_started_at
        return lease_from < timezone.now() - datetime.timedelta(seconds=settings.VIDEO_WORK_LEASE_SECONDS)

    @property
    def working_step(self) -> Video.Step:
        """The step a worker on this video is doing, so that a failure is recorded against it.

        Before a draft exists that is processing; a published video can only be re-trimmed; any
        other state is the publish encode (also when a failure has already been recorded).
        """
        if self.state == self.State.PUBLISHED:
            return self.Step.RETRIM
        if self.state in (self.State.UPLOADED, self.State.PROCESSING):
            return self.Step.PROCESSING
        return self.Step.PUBLISHING

    @property
    def trimmed_duration(self) -> float | None:
        if self.trim_end is None:
            return self.duration
        return round(self.trim_end - self.trim_start, 3)

    @property
    def is_shareable(self) -> bool:
        """Whether the video may leave the app (a copied link, a share elsewhere); the age rule decides."""
        return age.may_be_shared_outside_app(self.owner.user.age_band)


class CaptionTrack(models.Model):
    """A video's captions in one language, as we re-wrote them (WebVTT, never the uploaded file); one
    per language, written by ``creators.services.captions``."""

    video = models.ForeignKey(
        Video, verbose_name=_("video"), on_delete=models.CASCADE, related_name="caption_tracks"
    )
    language = models.CharField(_("language"), max_length=8)
    file = models.FileField(_("file"), upload_to=video_path, max_length=200)
    cue_count = models.PositiveIntegerField(_("cue count"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("caption track")
        verbose_name_plural = _("caption tracks")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="caption_track_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.video_id}:{self.language}"


class VideoTopic(models.Model):
    class Review(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Waiting for review")
        REJECTED = "rejected", _("Rejected")

    video = models.ForeignKey(
        Video, verbose_name=_("video"), on_delete=models.CASCADE, related_name="video_topics"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="video_topics"
    )
    review_state = models.CharField(
        _("review state"), max_length=10, choices=Review.choices, default=Review.APPROVED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("video topic")
        verbose_name_plural = _("video topics")
        constraints = [models.UniqueConstraint(fields=["video", "topic"], name="video_topic_once")]
        indexes = [models.Index(fields=["topic", "review_state"], name="videotopic_topic_review")]

    def __str__(self) -> str:
        return f"{self.video_id}:{self.topic.slug} ({self.review_state})"


class UploadSession(models.Model):
    """A resumable upload in progress: chunks are appended at ``received`` until ``size`` is reached."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        CreatorProfile, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="upload_sessions"
    )
    filename = models.CharField(_("filename"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    received = models.PositiveBigIntegerField(_("received"), default=0)
    # With media on S3 the chunks are the parts of one S3 multipart upload: its id, and each stored
    # part's {"PartNumber", "ETag"} in order, as CompleteMultipartUpload wants them.
    s3_upload_id = models.CharField(_("s3 upload id"), max_length=1024, blank=True)
    s3_parts = models.JSONField(_("s3 parts"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("upload session")
        verbose_name_plural = _("upload sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received__lte=models.F("size")), name="upload_not_past_size"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.received}/{self.size}"


# --- trust and safety: decisions, appeals, reports and watched words (services in ``creators.trust``) -----


class Decision(models.Model):
    """One moderation decision about a person's video or account, and its statement of reasons (EU DSA
    Art. 17): what was decided, on which guideline, the facts, whether it was automated, and how to appeal.
    Written only through ``creators.trust.decisions``, each with an audit entry and a notification."""

    class Action(models.TextChoices):
        REMOVE = "remove", _("Removed")
        LIMIT = "limit", _("Not recommended")
        AGE_RESTRICT = "age_restrict", _("Age-restricted (adults only)")
        LABEL_UNVERIFIED = "label_unverified", _("Labelled: unverified claims")
        DISMISS = "dismiss", _("No action")
        REVIEW_CLEAR = "review_clear", _("Reviewed: no problem")
        WARNING = "warning", _("Warning")
        STRIKE = "strike", _("Strike")
        SUSPEND = "suspend", _("Account suspended")

    class Source(models.TextChoices):
        REPORT = "report", _("A report")
        STAFF = "staff", _("Our own review")
        WATCHED_WORDS = "watched_words", _("Automated word check")
        REVIEWER = "reviewer", _("Topic reviewer")

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    video = models.ForeignKey(
        Video,
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    # A decision about one comment (``video`` is then empty: the comment says which video it is on).
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    guideline = models.CharField(_("guideline"), max_length=20, blank=True)
    facts = models.TextField(
        _("facts"), max_length=2000, help_text=_("What was found and why it breaks the guideline.")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.STAFF)
    is_automated = models.BooleanField(_("is automated"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    ends_at = models.DateTimeField(
        _("ends at"), null=True, blank=True, help_text=_("When a time-limited restriction ends.")
    )
    appeal_until = models.DateTimeField(
        _("appeal until"), null=True, blank=True, help_text=_("Empty: nothing to appeal.")
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    # What the decision replaced, so that a reversal puts it back exactly.
    previous = models.JSONField(_("previous"), default=dict, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "action", "-created_at"], name="decision_account_action")]

    def __str__(self) -> str:
        if self.guideline:
            return gettext("%(action)s (%(guideline)s) for account %(id)s") % {
                "action": self.get_action_display(),
                "guideline": Guideline(self.guideline).label
                if self.guideline in Guideline.values
                else self.guideline,
                "id": self.account_id,
            }
        return gettext("%(action)s (no guideline) for account %(id)s") % {
            "action": self.get_action_display(),
            "id": self.account_id,
        }

    def get_absolute_url(self) -> str:
        return reverse("creators:decision", args=[self.pk])


class Appeal(models.Model):
    """A person's appeal against one decision (EU DSA Art. 20), decided by a different moderator."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        UPHELD = "upheld", _("Decision upheld")
        REVERSED = "reversed", _("Decision reversed")

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="appeal"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appellant"),
        on_delete=models.CASCADE,
        related_name="appeals",
    )
    statement = models.TextField(_("statement"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome_reason = models.TextField(_("outcome reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return gettext("Appeal of decision %(id)s (%(state)s)") % {
            "id": self.decision_id,
            "state": self.get_state_display(),
        }


class Report(models.Model):
    """A viewer's report of a video, of an account (its creator profile) or of a comment; one per reporter
    and target."""

    Reason = Guideline

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    video = models.ForeignKey(
        Video,
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    profile = models.ForeignKey(
        CreatorProfile,
        verbose_name=_("profile"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewer_key = models.CharField(_("viewer key"), max_length=40)
    reason = models.CharField(_("reason"), max_length=20, choices=Guideline.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        db_table = "feeds_report"  # moved from feeds with its rows; the table keeps its name
        constraints = [
            models.UniqueConstraint(
                fields=["video", "viewer_key"],
                condition=models.Q(video__isnull=False),
                name="report_once_per_viewer",
            ),
            models.UniqueConstraint(
                fields=["profile", "viewer_key"],
                condition=models.Q(profile__isnull=False),
                name="report_profile_once_per_viewer",
            ),
            models.UniqueConstraint(
                fields=["comment", "viewer_key"],
                condition=models.Q(comment__isnull=False),
                name="report_comment_once_per_viewer",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(video__isnull=False)
                    & models.Q(profile__isnull=True)
                    & models.Q(comment__isnull=True)
                )
                | (
                    models.Q(video__isnull=True)
                    & models.Q(profile__isnull=False)
                    & models.Q(comment__isnull=True)
                )
                | (
                    models.Q(video__isnull=True)
                    & models.Q(profile__isnull=True)
                    & models.Q(comment__isnull=False)
                ),
                name="report_one_target",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_queue")]

    def __str__(self) -> str:
        # The admin's lists and moderation pages name a report by this, in the moderator's language.
        reason = self.get_reason_display()
        if self.comment_id:
            return gettext("Report (%(reason)s) of comment %(id)s") % {
                "reason": reason,
                "id": self.comment_id,
            }
        if self.video_id:
            return gettext("Report (%(reason)s) of video %(id)s") % {"reason": reason, "id": self.video_id}
        return gettext("Report (%(reason)s) of profile %(id)s") % {"reason": reason, "id": self.profile_id}


class WatchedWord(models.Model):
    """A word or phrase that sends a caption or bio to the review queue instead of the feeds."""

    phrase = models.CharField(
        _("phrase"), max_length=100, unique=True, help_text=_("Matched as whole words, ignoring case.")
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Why it is watched (staff only).")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")
        db_table = "platform_watchedword"  # moved from platform with its rows; the table keeps its name
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


# --- review queues: the admin's views of what waits for a moderator or a topic reviewer -----------------


class ReviewVideo(Video):
    """A video a watched word held back (``Moderation.REVIEW``), as the review queue lists it."""

    class Meta:
        proxy = True
        verbose_name = _("video under review")
        verbose_name_plural = _("review queue: videos")


class ReviewProfile(CreatorProfile):
    """A creator whose bio a watched word held back (``is_under_review``), as the review queue lists it."""

    class Meta:
        proxy = True
        verbose_name = _("bio under review")
        verbose_name_plural = _("review queue: bios")


class TopicReview(VideoTopic):
    """A video waiting for a STEM or News reviewer, as the reviewers' queue lists it."""

    class Meta:
        proxy = True
        verbose_name = _("topic review")
        verbose_name_plural = _("topic review queue")


class ReportedComment(Comment):
    """A comment with open reports, as the moderators' queue lists it (one row per comment)."""

    class Meta:
        proxy = True
        verbose_name = _("reported comment")
        verbose_name_plural = _("reports: comments")

    def __str__(self) -> str:
        return comment_label(self)


class ReviewComment(Comment):
    """A comment a watched word held back (``Comment.State.PENDING``), as the review queue lists it."""

    class Meta:
        proxy = True
        verbose_name = _("comment under review")
        verbose_name_plural = _("review queue: comments")

    def __str__(self) -> str:
        return comment_label(self)


def comment_label(comment: Comment) -> str:
    """A comment as a moderator's list names it: “its words…” by its author (plain text: escape it)."""
    text = " ".join(comment.text.split())
    if len(text) > 80:
        text = text[:79] + "…"
    author = blocking.account_name(comment.author) if comment.author else _("a deleted account")
    return _("“%(text)s” by %(author)s") % {"text": text, "author": author}
