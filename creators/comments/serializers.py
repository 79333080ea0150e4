"""Input and output serializers of the comments API (``creators.comments.api``).

Inputs check only the shape (a string, a whole number); the rules of what a comment may say and who may
post it are the services' (``{"detail", "code"}`` 400s). A comment's text is plain text: clients insert it
as text, never as HTML."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.comments import rules
from creators.comments.models import MAX_LENGTH, Comment, CommentFilterWord, CommentPolicy
from platform.api.input import JsonInputSerializer
from platform.api.query import CursorQuerySerializer

# Ids as the database keeps them (a 64-bit key): a larger number is a 400, not a lookup.
MAX_ID = 2**63 - 1
# A cursor this API gives: two whole numbers ("<score or microseconds>.<id>"), within what a page can name.
CURSOR_PATTERN = r"^[0-9]{1,16}\.[0-9]{1,18}$"
# The states a viewer meets (never "removed": a moderator's removal takes the comment out of sight).
COMMENT_STATES = [
    (state.value, state.label)
    for state in (
        Comment.State.VISIBLE,
        Comment.State.PENDING,
        Comment.State.HELD,
        Comment.State.HIDDEN,
        Comment.State.DELETED,
    )
]
# What a comment's author sees of their own comments besides visible ones.
_EDITABLE = (Comment.State.VISIBLE, Comment.State.PENDING, Comment.State.HELD)


def _cursor_field() -> serializers.RegexField:
    return serializers.RegexField(
        CURSOR_PATTERN,
        required=False,
        allow_blank=True,
        help_text="From the previous page's `next`; one this API did not give is a 400.",
        error_messages={"invalid": gettext_lazy("That page link is broken; start from the first page.")},
    )


def _page_size_field(what: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        help_text=f"How many {what} per page (1 to 50; 20 if not given).",
    )


class CommentListQuerySerializer(serializers.Serializer[Any]):
    order = serializers.ChoiceField(
        choices=["top", "newest"],
        default="top",
        help_text="`top` (likes, replies and the creator's replies) or `newest`; the pinned comment comes first.",
    )
    cursor = _cursor_field()
    page_size = _page_size_field("comments")


class ReplyListQuerySerializer(CursorQuerySerializer):
    cursor = _cursor_field()
    page_size = _page_size_field("replies")


class StrictCharField(serializers.CharField):
    """Text that must come as a JSON string: DRF alone would take 5 as "5", which the schema refuses."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


@extend_schema_field(
    {
        "type": "string",
        "maxLength": MAX_LENGTH,
        "description": (
            "Plain text, 1–500 characters once trimmed; HTML is kept as typed and shown as text. Links only "
            "from verified businesses and publishers."
        ),
    }
)
class CommentTextField(StrictCharField):
    """A comment's text as given: the service trims it and applies every rule (empty, too long, links)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, trim_whitespace=False, **kwargs)


class CommentInputSerializer(JsonInputSerializer):
    text = CommentTextField()
    parent_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The comment this replies to (a top-level comment of the same video), or null.",
    )


class CommentEditInputSerializer(JsonInputSerializer):
    # A PATCH without text changes nothing (and answers the comment, within the edit window).
    text = CommentTextField(required=False)


class CommentAuthorSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text='The author\'s name, or "deleted account".')
    handle = serializers.CharField(allow_null=True, help_text="Their creator handle, if they have one.")


class RefusalSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()


class CommentOutputSerializer(serializers.ModelSerializer[Comment]):
    """A comment as one viewer sees it. Context: ``viewer_id`` (None for the anonymous), ``now``, and
    optionally ``video`` (the comment's video, with its owner, when every comment shares it)."""

    video = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=COMMENT_STATES,
        help_text=(
            "`pending` (a moderator reviews it) and `held` (the creator approves it) only for its author and "
            "the creator; `deleted` for a deleted comment whose replies stay (no text, no author)."
        ),
    )
    text = serializers.CharField(help_text="Plain text: insert it as text, never as HTML.")
    is_edited = serializers.SerializerMethodField()
    is_liked = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()
    is_video_creator = serializers.SerializerMethodField(
        help_text="The viewer is the video's creator: may pin, hide and delete."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "video",
            "parent_id",
            "text",
            "author",
            "state",
            "is_pinned",
            "is_edited",
            "like_count",
            "reply_count",
            "is_liked",
            "created_at",
            "can_edit",
            "can_delete",
            "is_video_creator",
        ]

    def _video_owner_user_id(self, obj: Comment) -> int:
        if self.context.get("video_owner_user_id") is not None:
            return int(self.context["video_owner_user_id"])
        video = self.context.get("video")
        if video is not None and video.pk == obj.video_id:
            return int(video.owner.user_id)
        return int(obj.video.owner.user_id)

    def _viewer_id(self) -> int | None:
        return self.context.get("viewer_id")

    @extend_schema_field(serializers.UUIDField())
    def get_video(self, obj: Comment) -> str:
        video = self.context.get("video")
        if video is not None and video.pk == obj.video_id:
            return str(video.public_id)
        return str(obj.video.public_id)

    @extend_schema_field(CommentAuthorSerializer)
    def get_author(self, obj: Comment) -> dict[str, Any]:
        author = obj.author
        if author is None or obj.state == Comment.State.DELETED:
            return {"name": "deleted account", "handle": None}
        profile = getattr(author, "creator_profile", None)
        if profile is not None:
            return {"name": profile.display_name or author.display_name, "handle": profile.handle}
        return {"name": author.display_name, "handle": None}

    def get_is_edited(self, obj: Comment) -> bool:
        return obj.edited_at is not None

    def get_is_liked(self, obj: Comment) -> bool:
        return bool(getattr(obj, "is_liked", False))

    def get_can_edit(self, obj: Comment) -> bool:
        viewer_id = self._viewer_id()
        now = self.context.get("now") or timezone.now()
        return (
            viewer_id is not None
            and obj.author_id == viewer_id
            and obj.state in _EDITABLE
            and now - obj.created_at <= rules.EDIT_WINDOW
        )

    def get_can_delete(self, obj: Comment) -> bool:
        viewer_id = self._viewer_id()
        if viewer_id is None or obj.state == Comment.State.DELETED:
            return False
        return obj.author_id == viewer_id or self._video_owner_user_id(obj) == viewer_id

    def get_is_video_creator(self, obj: Comment) -> bool:
        viewer_id = self._viewer_id()
        return viewer_id is not None and self._video_owner_user_id(obj) == viewer_id


class InboxCommentOutputSerializer(CommentOutputSerializer):
    video_caption = serializers.CharField(source="video.caption")

    class Meta(CommentOutputSerializer.Meta):
        fields = [*CommentOutputSerializer.Meta.fields, "video_caption"]


class CommentListOutputSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="Always null: pages go one way.")
    results = CommentOutputSerializer(many=True)


class VideoCommentListOutputSerializer(CommentListOutputSerializer):
    comment_count = serializers.IntegerField(
        help_text="Visible comments and replies on the video, less those of accounts you blocked or muted."
    )
    can_comment = serializers.BooleanField(help_text="Whether the viewer may comment now.")
    refusal = RefusalSerializer(
        allow_null=True, help_text="Why the viewer may not comment (`code` for clients), or null."
    )


class InboxOutputSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True, help_text="Always null: the 50 newest.")
    previous = serializers.URLField(allow_null=True)
    results = InboxCommentOutputSerializer(many=True)


class CommentSettingsInputSerializer(JsonInputSerializer):
    policy = serializers.ChoiceField(
        choices=[("", gettext_lazy("As default")), *CommentPolicy.choices],
        help_text="Who may comment on your videos; blank is your age's default. Under 16: follow_backs or nobody.",
    )


class CommentSettingsOutputSerializer(serializers.Serializer[Any]):
    policy = serializers.ChoiceField(choices=[("", gettext_lazy("As default")), *CommentPolicy.choices])
    policy_in_force = serializers.ChoiceField(choices=CommentPolicy.choices)
    choices = serializers.ListField(child=serializers.ChoiceField(choices=CommentPolicy.choices))


class VideoCommentPolicyInputSerializer(JsonInputSerializer):
    policy = serializers.ChoiceField(
        choices=[("", gettext_lazy("As default")), *CommentPolicy.choices],
        help_text="Who may comment on this video; blank: as your account says.",
    )


class VideoCommentPolicyOutputSerializer(serializers.Serializer[Any]):
    policy = serializers.ChoiceField(choices=[("", gettext_lazy("As default")), *CommentPolicy.choices])
    policy_in_force = serializers.ChoiceField(choices=CommentPolicy.choices)


class FilterWordInputSerializer(JsonInputSerializer):
    phrase = StrictCharField(
        max_length=100, help_text="A word or phrase (matched as whole words, ignoring case)."
    )


class FilterWordOutputSerializer(serializers.ModelSerializer[CommentFilterWord]):
    class Meta:
        model = CommentFilterWord
        fields = ["id", "phrase", "created_at"]
