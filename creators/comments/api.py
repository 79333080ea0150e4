"""The comments API under ``/api/v1/``: a video's comments and replies, posting, editing, deleting,
liking, and the creator's pin, hide, approve, settings, filtered words and inbox.

Views read input through serializers and call the services and selectors of ``creators.comments``; the
rules are there. Every lookup is scoped to what the requester may see: a comment on a video they cannot
see, or by or to an account blocked either way, is a 404. Writes are throttled (``comments`` scope)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from creators import selectors as video_selectors
from creators.api.views import SCREEN_TIME_LOCKED, own_profile
from creators.comments import selectors, services
from creators.comments.models import Comment, CommentFilterWord
from creators.comments.serializers import (
    CommentEditInputSerializer,
    CommentInputSerializer,
    CommentListOutputSerializer,
    CommentListQuerySerializer,
    CommentOutputSerializer,
    CommentSettingsInputSerializer,
    CommentSettingsOutputSerializer,
    FilterWordInputSerializer,
    FilterWordOutputSerializer,
    InboxCommentOutputSerializer,
    InboxOutputSerializer,
    ReplyListQuerySerializer,
    VideoCommentListOutputSerializer,
    VideoCommentPolicyInputSerializer,
    VideoCommentPolicyOutputSerializer,
)
from creators.models import CreatorProfile, Video
from platform import age
from platform.api.query import query_of
from platform.api.throttling import SettingsScopedRateThrottle
from platform.errors import NotFound
from platform.models import User
from platform.viewer import viewer_of

NO_COMMENT = OpenApiResponse(
    description="No such comment, or not one you may see (its video, or an account blocked either way)."
)
NOT_YOURS = OpenApiResponse(description="No such comment under one of your videos.")
REFUSED = OpenApiResponse(
    description=(
        "Refused, nothing written: `comment_empty`, `comment_too_long`, `comment_invalid`, `comment_links`, "
        "`comment_reply_depth`, `comment_repeated`, `comments_off`, `comments_friends_only`, "
        "`comments_follow_first`, `comments_unavailable`, `account_suspended`, or a field's error."
    )
)
TOO_MANY = OpenApiResponse(
    description="10 comments a minute or 200 a day (or the API's write throttle): see Retry-After."
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class CommentWriteView(APIView):
    """Writes (not reads) count against the ``comments`` throttle scope."""

    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "comments"

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request is not None and self.request.method in SAFE_METHODS:
            return []
        return super().get_throttles()


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _context(request: Request, *, video: Video | None = None) -> dict[str, Any]:
    return {"viewer_id": viewer_of(request).user_id, "now": timezone.now(), "video": video}


def _comment(request: Request, comment_id: int) -> Comment:
    """A comment the requester may read, on a video they may see (404 otherwise)."""
    comment = selectors.comment_get_visible(comment_id=comment_id, viewer=viewer_of(request))
    if comment is None:
        raise NotFound(gettext("No such comment."))
    return comment


def _creators_comment(request: Request, comment_id: int) -> Comment:
    """A comment under one of the requester's own videos, in any state they act on (404 otherwise)."""
    comment = selectors.comment_get_for_creator(comment_id=comment_id, creator_id=_user(request).pk)
    if comment is None:
        raise NotFound(gettext("No such comment."))
    return comment


def _one(request: Request, comment: Comment, *, answer: int = status.HTTP_200_OK) -> Response:
    """A comment as the requester now sees it (re-read, with their like)."""
    again = selectors.comment_get_visible(comment_id=comment.pk, viewer=viewer_of(request))
    if again is None:  # hidden, held or approved for the creator: their own view of it
        again = selectors.comment_get_for_creator(comment_id=comment.pk, creator_id=_user(request).pk)
    shown = again or comment
    return Response(CommentOutputSerializer(shown, context=_context(request)).data, status=answer)


def _page_url(request: Request, cursor: str | None, **params: Any) -> str | None:
    if cursor is None:
        return None
    query = {key: value for key, value in params.items() if value is not None}
    query["cursor"] = cursor
    return request.build_absolute_uri(request.path + "?" + urlencode(query))


class VideoCommentsView(CommentWriteView):
    """A video's comments (GET, anyone who may see the video) and a new comment or reply (POST)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def _video(self, request: Request, public_id: str) -> Video:
        video = video_selectors.video_get_visible(public_id=public_id, viewer=viewer_of(request))
        if video is None:
            raise NotFound(gettext("No such video."))
        return video

    @extend_schema(
        parameters=[CommentListQuerySerializer],
        responses={
            200: VideoCommentListOutputSerializer,
            400: OpenApiResponse(description="A query parameter or the cursor is not valid."),
            403: SCREEN_TIME_LOCKED,
            404: OpenApiResponse(description="No such video, or not one you may see."),
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        query = query_of(request, CommentListQuerySerializer)
        viewer = viewer_of(request)
        video = self._video(request, public_id)
        page = selectors.comment_page(
            video=video,
            viewer=viewer,
            order=query["order"],
            cursor=query.get("cursor") or None,
            size=query.get("page_size") or selectors.PAGE_SIZE,
        )
        refusal = selectors.comment_refusal(author=viewer.user, video=video)
        context = _context(request, video=video)
        return Response(
            {
                "next": _page_url(
                    request, page.next_cursor, order=query["order"], page_size=query.get("page_size")
                ),
                "previous": None,
                "results": CommentOutputSerializer(page.comments, many=True, context=context).data,
                "comment_count": page.comment_count,
                "can_comment": refusal is None,
                "refusal": {"code": refusal.code, "detail": refusal.message} if refusal else None,
            }
        )

    @extend_schema(
        request=CommentInputSerializer,
        responses={
            201: CommentOutputSerializer,
            400: REFUSED,
            403: SCREEN_TIME_LOCKED,
            404: OpenApiResponse(description="No such video (or parent comment), or not one you may see."),
            409: OpenApiResponse(
                description="`posting_suspended`: strikes suspended your posting for a while (see your decisions)."
            ),
            429: TOO_MANY,
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        video = self._video(request, public_id)
        comment = services.comment_post(
            author=_user(request),
            video=video,
            text=serializer.validated_data["text"],
            parent_id=serializer.validated_data["parent_id"],
        )
        return Response(
            CommentOutputSerializer(comment, context=_context(request, video=video)).data,
            status=status.HTTP_201_CREATED,
        )


class CommentRepliesView(APIView):
    """A comment's replies, oldest first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[ReplyListQuerySerializer],
        responses={
            200: CommentListOutputSerializer,
            400: OpenApiResponse(description="The cursor is broken."),
        },
    )
    def get(self, request: Request, comment_id: int) -> Response:
        query = query_of(request, ReplyListQuerySerializer)
        # A deleted comment's replies stay readable under its "deleted comment".
        parent = selectors.comment_get_visible(
            comment_id=comment_id, viewer=viewer_of(request), placeholders=True
        )
        if parent is None:
            raise NotFound(gettext("No such comment."))
        page = selectors.reply_page(
            parent=parent,
            viewer=viewer_of(request),
            cursor=query.get("cursor") or None,
            size=query.get("page_size") or selectors.PAGE_SIZE,
        )
        context = _context(request, video=parent.video)
        return Response(
            {
                "next": _page_url(request, page.next_cursor, page_size=query.get("page_size")),
                "previous": None,
                "results": CommentOutputSerializer(page.comments, many=True, context=context).data,
            }
        )


class CommentDetailView(CommentWriteView):
    """One comment as the requester sees it (GET: a notification's link opens the sheet at it); the author
    edits it within 5 minutes (PATCH); the author or the video's creator deletes it (DELETE)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "delete", "options"]

    @extend_schema(
        responses={
            200: CommentOutputSerializer,
            404: OpenApiResponse(description="No such comment, or not one you may see."),
        }
    )
    def get(self, request: Request, comment_id: int) -> Response:
        comment = _comment(request, comment_id)
        return Response(CommentOutputSerializer(comment, context=_context(request)).data)

    @extend_schema(
        request=CommentEditInputSerializer,
        responses={
            200: CommentOutputSerializer,
            400: OpenApiResponse(
                description="`comment_edit_closed` (after 5 minutes), or the text refused as when posting."
            ),
            404: OpenApiResponse(description="No such comment of yours."),
        },
    )
    def patch(self, request: Request, comment_id: int) -> Response:
        serializer = CommentEditInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = _comment(request, comment_id)
        text = serializer.validated_data.get("text", comment.text)
        comment = services.comment_edit(author=_user(request), comment=comment, text=text)
        return _one(request, comment)

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="No such comment you may delete.")})
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = selectors.comment_get_visible(comment_id=comment_id, viewer=viewer_of(request))
        if comment is None:
            comment = _creators_comment(request, comment_id)
        services.comment_delete(actor=_user(request), comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentLikeView(CommentWriteView):
    """Like a comment (PUT) or take the like back (DELETE); both idempotent."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["put", "delete", "options"]

    @extend_schema(request=None, responses={200: CommentOutputSerializer, 404: NO_COMMENT})
    def put(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_like(user=_user(request), comment=_comment(request, comment_id))
        return _one(request, comment)

    @extend_schema(request=None, responses={200: CommentOutputSerializer, 404: NO_COMMENT})
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_like(
            user=_user(request), comment=_comment(request, comment_id), liked=False
        )
        return _one(request, comment)


class CommentPinView(CommentWriteView):
    """The video's creator pins one top-level comment (PUT, unpinning any other) or unpins it (DELETE)."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["put", "delete", "options"]

    @extend_schema(
        request=None,
        responses={
            200: CommentOutputSerializer,
            400: OpenApiResponse(description="`comment_pin_reply`: a reply cannot be pinned."),
            404: NOT_YOURS,
        },
    )
    def put(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_pin(creator=_user(request), comment=_creators_comment(request, comment_id))
        return _one(request, comment)

    @extend_schema(
        request=None,
        responses={
            200: CommentOutputSerializer,
            400: OpenApiResponse(description="`comment_pin_reply`: a reply is never pinned."),
            404: NOT_YOURS,
        },
    )
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_pin(
            creator=_user(request), comment=_creators_comment(request, comment_id), pinned=False
        )
        return _one(request, comment)


class CommentHideView(CommentWriteView):
    """The video's creator hides a comment under their video (PUT) or shows it again (DELETE)."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["put", "delete", "options"]

    @extend_schema(request=None, responses={200: CommentOutputSerializer, 404: NOT_YOURS})
    def put(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_hide(
            creator=_user(request), comment=_creators_comment(request, comment_id)
        )
        return _one(request, comment)

    @extend_schema(request=None, responses={200: CommentOutputSerializer, 404: NOT_YOURS})
    def delete(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_hide(
            creator=_user(request), comment=_creators_comment(request, comment_id), hidden=False
        )
        return _one(request, comment)


class CommentApproveView(CommentWriteView):
    """The video's creator lets through a comment their filtered words held."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["post", "options"]

    @extend_schema(
        request=None,
        responses={
            200: CommentOutputSerializer,
            404: OpenApiResponse(description="No held comment of your videos."),
        },
    )
    def post(self, request: Request, comment_id: int) -> Response:
        comment = services.comment_approve(
            creator=_user(request), comment=_creators_comment(request, comment_id)
        )
        return _one(request, comment)


# --- the studio: a creator's comment settings, filtered words and inbox -------------------------------


def _settings_of(profile: CreatorProfile) -> dict[str, Any]:
    band = age.age_band(date_of_birth=profile.user.date_of_birth)
    return {
        "policy": profile.comment_policy,
        "policy_in_force": age.comment_policy_in_force(band=band, account=profile.comment_policy),
        "choices": list(age.comment_policies_allowed(band)),
    }


class StudioCommentSettingsView(CommentWriteView):
    """Who may comment on your videos (your account's default; each video may choose its own)."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "put", "options"]

    @extend_schema(
        responses={
            200: CommentSettingsOutputSerializer,
            404: OpenApiResponse(description="No creator profile."),
        }
    )
    def get(self, request: Request) -> Response:
        return Response(_settings_of(own_profile(request)))

    @extend_schema(
        request=CommentSettingsInputSerializer,
        responses={
            200: CommentSettingsOutputSerializer,
            400: OpenApiResponse(description="`comment_policy_age`: under 16, follow_backs or nobody."),
            404: OpenApiResponse(description="No creator profile."),
        },
    )
    def put(self, request: Request) -> Response:
        serializer = CommentSettingsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = own_profile(request)
        services.comment_policy_set(profile=profile, policy=serializer.validated_data["policy"])
        return Response(_settings_of(profile))


class StudioVideoCommentPolicyView(CommentWriteView):
    """Who may comment on one of your videos (blank: as your account says)."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["put", "options"]

    @extend_schema(
        request=VideoCommentPolicyInputSerializer,
        responses={
            200: VideoCommentPolicyOutputSerializer,
            400: OpenApiResponse(description="`comment_policy_age`: under 16, follow_backs or nobody."),
            404: OpenApiResponse(description="No such video of yours."),
        },
    )
    def put(self, request: Request, public_id: str) -> Response:
        serializer = VideoCommentPolicyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = own_profile(request)
        video = video_selectors.studio_video_get(owner=profile, public_id=public_id)
        if video is None:
            raise NotFound(gettext("No such video."))
        policy = serializer.validated_data["policy"]
        in_force = services.comment_policy_set(profile=profile, policy=policy, video=video)
        return Response({"policy": policy, "policy_in_force": in_force})


class StudioFilterWordsView(CommentWriteView):
    """Your filtered words (GET) and a new one (POST): comments that match wait for your approval."""

    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "options"]

    @extend_schema(
        responses={
            200: FilterWordOutputSerializer(many=True),
            404: OpenApiResponse(description="No creator profile."),
        }
    )
    def get(self, request: Request) -> Response:
        words = CommentFilterWord.objects.filter(creator=own_profile(request))
        return Response(FilterWordOutputSerializer(words, many=True).data)

    @extend_schema(
        request=FilterWordInputSerializer,
        responses={
            201: FilterWordOutputSerializer,
            400: OpenApiResponse(description="Blank, too long, or `filter_word_limit` (200 words)."),
            404: OpenApiResponse(description="No creator profile."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = FilterWordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        word = services.filter_word_add(
            profile=own_profile(request), phrase=serializer.validated_data["phrase"]
        )
        return Response(FilterWordOutputSerializer(word).data, status=status.HTTP_201_CREATED)


class StudioFilterWordView(CommentWriteView):
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["delete", "options"]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="No such word of yours.")})
    def delete(self, request: Request, word_id: int) -> Response:
        services.filter_word_remove(profile=own_profile(request), word_id=word_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudioCommentsInboxView(APIView):
    """What is new under your videos: others' comments (visible, or held for your approval), newest first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: InboxOutputSerializer, 404: OpenApiResponse(description="No creator profile.")}
    )
    def get(self, request: Request) -> Response:
        comments = list(selectors.comments_inbox(profile=own_profile(request)))
        # Every video here is the requester's own.
        context = {**_context(request), "video_owner_user_id": _user(request).pk}
        return Response(
            {
                "next": None,
                "previous": None,
                "results": InboxCommentOutputSerializer(comments, many=True, context=context).data,
            }
        )
