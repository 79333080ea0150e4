"""Creators API views; every lookup is scoped to what the requester may see or owns."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, parsers, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators import selectors, services
from creators.api.serializers import (
    BlockOutputSerializer,
    CreatorCreateInputSerializer,
    CreatorInputSerializer,
    CreatorOutputSerializer,
    MuteOutputSerializer,
    StudioVideoOutputSerializer,
    TopicSerializer,
    TrimInputSerializer,
    UploadChunkQuerySerializer,
    UploadInputSerializer,
    UploadSessionOutputSerializer,
    UploadStartInputSerializer,
    VideoDetailsInputSerializer,
    VideoOutputSerializer,
)
from creators.models import CreatorProfile, Topic, UploadSession, Video
from platform import blocking
from platform.api.parsers import JSONParser
from platform.api.query import query_of
from platform.errors import TooLarge
from platform.http import body_read_timeout
from platform.models import Block, Mute, User
from platform.viewer import viewer_of

SCREEN_TIME_LOCKED = OpenApiResponse(
    description='The day\'s screen-time limit is reached: `{"detail", "code": "screen_time_locked", "screen_time"}`.'
)


def own_profile(request: Request) -> CreatorProfile:
    profile = CreatorProfile.objects.filter(user_id=request.user.pk or 0).select_related("user").first()
    if profile is None:
        raise Http404(gettext("Create a creator profile first."))
    return profile


def _video_queryset(queryset: QuerySet[Video]) -> QuerySet[Video]:
    return queryset.select_related("owner__user").prefetch_related("hashtags", "video_topics__topic")


class TopicListView(generics.ListAPIView[Topic]):
    serializer_class = TopicSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    queryset = Topic.objects.all()


class CreatorDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=CreatorOutputSerializer)
    def get(self, request: Request, handle: str) -> Response:
        profile = selectors.profile_get(handle=handle)
        # A block either way: the API has no "you blocked them" page, so 404 both ways.
        if profile is None or selectors.profile_block_state(profile=profile, viewer=viewer_of(request)):
            raise Http404
        return Response(CreatorOutputSerializer(profile).data)


@extend_schema_view(get=extend_schema(responses={200: VideoOutputSerializer, 403: SCREEN_TIME_LOCKED}))
class CreatorVideoListView(generics.ListAPIView[Video]):
    """A creator's videos; at the viewer's daily screen-time limit, the lock instead (403)."""

    serializer_class = VideoOutputSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Video]:
        profile = selectors.profile_get_for(handle=self.kwargs["handle"], viewer=viewer_of(self.request))
        if profile is None or not selectors.profile_is_visible(
            profile=profile, viewer=viewer_of(self.request)
        ):
            return Video.objects.none()
        return _video_queryset(selectors.profile_videos(profile=profile, viewer=viewer_of(self.request)))


class FollowView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: None, 200: None})
    def post(self, request: Request, handle: str) -> Response:
        profile = selectors.profile_get_for(handle=handle, viewer=viewer_of(request))
        if profile is None:
            raise Http404
        assert isinstance(request.user, User)
        follow = services.follow_create(follower=request.user, creator=profile)
        return Response({"status": follow.status}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, handle: str) -> Response:
        profile = selectors.profile_get_for(handle=handle, viewer=viewer_of(request))
        if profile is None:
            raise Http404
        assert isinstance(request.user, User)
        services.follow_delete(follower=request.user, creator=profile)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _account(request: Request, handle: str) -> tuple[User, User]:
    """The requester and the account behind ``handle``, which must not have blocked them (else 404)."""
    profile = selectors.profile_get_for(handle=handle, viewer=viewer_of(request))
    if profile is None:
        raise Http404
    assert isinstance(request.user, User)
    return request.user, profile.user


class BlockView(APIView):
    """Block (POST) or unblock (DELETE) an account by handle; both are idempotent."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: BlockOutputSerializer})
    def post(self, request: Request, handle: str) -> Response:
        blocker, blocked = _account(request, handle)
        block = services.account_block(blocker=blocker, blocked=blocked)
        return Response(BlockOutputSerializer(block).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, handle: str) -> Response:
        blocker, blocked = _account(request, handle)
        services.account_unblock(blocker=blocker, blocked=blocked)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MuteView(APIView):
    """Mute (POST) or unmute (DELETE) an account by handle; both are idempotent."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: MuteOutputSerializer})
    def post(self, request: Request, handle: str) -> Response:
        muter, muted = _account(request, handle)
        mute = services.account_mute(muter=muter, muted=muted)
        return Response(MuteOutputSerializer(mute).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, handle: str) -> Response:
        muter, muted = _account(request, handle)
        services.account_unmute(muter=muter, muted=muted)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockListView(generics.ListAPIView[Block]):
    """The accounts the requester blocked, newest first."""

    serializer_class = BlockOutputSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Block]:
        assert isinstance(self.request.user, User)
        return blocking.blocks_of(user=self.request.user)


class MuteListView(generics.ListAPIView[Mute]):
    """The accounts the requester muted, newest first."""

    serializer_class = MuteOutputSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Mute]:
        assert isinstance(self.request.user, User)
        return blocking.mutes_of(user=self.request.user)


class VideoDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: VideoOutputSerializer, 403: SCREEN_TIME_LOCKED})
    def get(self, request: Request, public_id: str) -> Response:
        video = selectors.video_get_visible(public_id=public_id, viewer=viewer_of(request))
        if video is None:
            raise Http404
        return Response(VideoOutputSerializer(video).data)


class StudioProfileView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=CreatorOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(CreatorOutputSerializer(own_profile(request)).data)

    @extend_schema(request=CreatorCreateInputSerializer, responses={201: CreatorOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = CreatorCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assert isinstance(request.user, User)
        data = serializer.validated_data
        profile = services.creator_profile_create(user=request.user, **data)
        return Response(CreatorOutputSerializer(profile).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CreatorInputSerializer, responses=CreatorOutputSerializer)
    def put(self, request: Request) -> Response:
        profile = own_profile(request)
        serializer = CreatorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.creator_profile_update(
            profile=profile,
            display_name=data["display_name"],
            bio=data["bio"],
            links=data["links"],
            region=profile.region,
        )
        return Response(CreatorOutputSerializer(profile).data)


class StudioVideoListView(generics.ListAPIView[Video]):
    """The caller's own videos in every state; POST uploads a new one (multipart, field ``file``)."""

    serializer_class = StudioVideoOutputSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[Video]:
        return _video_queryset(selectors.studio_videos(owner=own_profile(self.request)))

    @extend_schema(request=UploadInputSerializer, responses={201: StudioVideoOutputSerializer})
    def post(self, request: Request) -> Response:
        profile = own_profile(request)
        data = request.data  # parse first: the upload handler flags a stopped upload while parsing
        if getattr(request._request, "upload_too_large", False):
            raise TooLarge(gettext("The file is too large."))
        serializer = UploadInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        video = services.video_upload(owner=profile, upload=serializer.validated_data["file"])
        return Response(StudioVideoOutputSerializer(video).data, status=status.HTTP_201_CREATED)


class StudioVideoDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _video(self, request: Request, public_id: str) -> Video:
        video = selectors.studio_video_get(owner=own_profile(request), public_id=public_id)
        if video is None:
            raise Http404
        return video

    @extend_schema(responses=StudioVideoOutputSerializer)
    def get(self, request: Request, public_id: str) -> Response:
        return Response(StudioVideoOutputSerializer(self._video(request, public_id)).data)

    @extend_schema(request=VideoDetailsInputSerializer, responses=StudioVideoOutputSerializer)
    def patch(self, request: Request, public_id: str) -> Response:
        video = self._video(request, public_id)
        serializer = VideoDetailsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        services.video_update_details(
            video=video,
            caption=data.get("caption", video.caption),
            topic_slugs=data.get("topics", [vt.topic.slug for vt in video.video_topics.all()]),
            visibility=data.get("visibility", video.visibility),
            content_level=data.get("content_level", video.content_level),
        )
        return Response(StudioVideoOutputSerializer(self._video(request, public_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, public_id: str) -> Response:
        services.video_delete(video=self._video(request, public_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudioVideoPublishView(StudioVideoDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(request=TrimInputSerializer, responses={202: StudioVideoOutputSerializer})
    def post(self, request: Request, public_id: str) -> Response:
        video = self._video(request, public_id)
        serializer = TrimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.video_publish(video=video, **serializer.validated_data)
        return Response(
            StudioVideoOutputSerializer(self._video(request, public_id)).data, status=status.HTTP_202_ACCEPTED
        )


class StudioVideoRetryView(StudioVideoDetailView):
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={202: StudioVideoOutputSerializer})
    def post(self, request: Request, public_id: str) -> Response:
        video = self._video(request, public_id)
        services.video_retry(video=video)
        return Response(
            StudioVideoOutputSerializer(self._video(request, public_id)).data, status=status.HTTP_202_ACCEPTED
        )


# --- resumable uploads --------------------------------------------------------------------


def own_upload(request: Request, upload_id: str) -> UploadSession:
    session = (
        UploadSession.objects.filter(pk=upload_id, owner=own_profile(request)).select_related("owner").first()
    )
    if session is None:
        raise Http404
    return session


class UploadStartView(APIView):
    """Start a resumable upload: then PUT chunks in order and POST ``complete``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=UploadStartInputSerializer, responses={201: UploadSessionOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = UploadStartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.upload_session_start(owner=own_profile(request), **serializer.validated_data)
        return Response(UploadSessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class UploadSessionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UploadSessionOutputSerializer)
    def get(self, request: Request, upload_id: str) -> Response:
        """Where to resume: the next chunk starts at ``received``."""
        return Response(UploadSessionOutputSerializer(own_upload(request, upload_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, upload_id: str) -> Response:
        services.upload_session_cancel(session=own_upload(request, upload_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadChunkView(APIView):
    """PUT the raw bytes of the next chunk (``application/octet-stream``) with ``?offset=<received>``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request={"application/octet-stream": bytes},
        parameters=[UploadChunkQuerySerializer],
        responses={
            200: UploadSessionOutputSerializer,
            409: OpenApiResponse(
                description='Not where the upload is: `{"detail", "code": "offset", "received"}`; resume there.'
            ),
        },
    )
    def put(self, request: Request, upload_id: str) -> Response:
        session = own_upload(request, upload_id)
        offset = query_of(request, UploadChunkQuerySerializer)["offset"]
        try:
            length = int(request.headers.get("Content-Length", "0"))
        except ValueError as error:
            raise DjangoValidationError(gettext("Give a Content-Length.")) from error
        # Read the body from the WSGI stream in slices (a chunk is never held whole in memory), and
        # give up on a client that stops sending.
        with body_read_timeout(request._request, seconds=settings.UPLOAD_CHUNK_READ_TIMEOUT_SECONDS) as body:
            session = services.upload_session_append(
                session=session, offset=offset, stream=body, length=length
            )
        return Response(UploadSessionOutputSerializer(session).data)


class UploadCompleteView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: StudioVideoOutputSerializer})
    def post(self, request: Request, upload_id: str) -> Response:
        session = own_upload(request, upload_id)
        video = services.upload_session_finish(session=session)
        data = StudioVideoOutputSerializer(video).data
        return Response(
            {**data, "edit_url": reverse("creators:studio_video", args=[video.public_id])},
            status=status.HTTP_201_CREATED,
        )
