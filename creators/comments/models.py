"""The rows of a conversation: comments (with one level of replies), their likes and each creator's own
filtered words. Imported by ``creators.models`` so that they belong to the ``creators`` app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 500


class CommentPolicy(models.TextChoices):
    """Who may comment on a creator's videos (``platform.age.comment_policy_in_force`` applies the age
    rules on top). A blank choice is "the default for my age"; on a video, "as my account says"."""

    EVERYONE = "everyone", _("Everyone")
    FOLLOW_BACKS = "follow_backs", _("People I follow back")
    NOBODY = "nobody", _("No one")


class Comment(models.Model):
    """A comment on a video, or a reply to one (never a reply to a reply). Written only through
    ``creators.comments.services``; counters move with ``F()`` there."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        # A watched word matched: a moderator decides; the author sees it as "pending".
        PENDING = "pending", _("Waiting for review")
        # A word on the creator's own filter list matched: the creator approves or deletes it.
        HELD = "held", _("Waiting for the creator's approval")
        HIDDEN = "hidden", _("Hidden by the creator")
        REMOVED = "removed", _("Removed by a moderator")
        # The author (or their account's deletion) took it away; replies stay under "deleted comment".
        DELETED = "deleted", _("Deleted")

    video = models.ForeignKey(
        "creators.Video", verbose_name=_("video"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    text = models.CharField(_("text"), max_length=MAX_LENGTH)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VISIBLE)
    # A watched word matched (even once a moderator let it through): restricted mode never shows it.
    is_watched_match = models.BooleanField(_("is watched match"), default=False)
    is_pinned = models.BooleanField(_("is pinned"), default=False)
    like_count = models.PositiveIntegerField(_("like count"), default=0)
    reply_count = models.PositiveIntegerField(_("reply count"), default=0)
    creator_reply_count = models.PositiveIntegerField(_("creator reply count"), default=0)
    # "Top" order: likes, replies and the creator's replies (``rules.top_score``), kept with ``F()``.
    score = models.PositiveIntegerField(_("score"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["video"], condition=Q(is_pinned=True), name="comment_one_pinned_per_video"
            ),
        ]
        indexes = [
            # First pages of a video's comments: newest and top, top-level only.
            models.Index(
                fields=["video", "state", "-created_at", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_newest",
            ),
            models.Index(
                fields=["video", "state", "-score", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_top",
            ),
            models.Index(fields=["parent", "created_at", "id"], name="comment_replies"),
            # Rate limits and "your data" read a person's own comments by time.
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on video {self.video_id}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None


class CommentLike(models.Model):
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="likes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="comment_likes",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment like")
        verbose_name_plural = _("comment likes")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="comment_like_once")]

    def __str__(self) -> str:
        return f"like of comment {self.comment_id} by {self.user_id}"


class CommentFilterWord(models.Model):
    """A word or phrase a creator does not want under their videos: matching comments wait for their
    approval (``Comment.State.HELD``)."""

    creator = models.ForeignKey(
        "creators.CreatorProfile",
        verbose_name=_("creator"),
        on_delete=models.CASCADE,
        related_name="comment_filter_words",
    )
    phrase = models.CharField(
        _("phrase"), max_length=100, help_text=_("Matched as whole words, ignoring case.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment filter word")
        verbose_name_plural = _("comment filter words")
        ordering = ["phrase"]
        constraints = [models.UniqueConstraint(fields=["creator", "phrase"], name="comment_filter_word_once")]

    def __str__(self) -> str:
        return self.phrase
