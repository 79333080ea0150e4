"""The notification centre for API clients: one's own notifications, marking them read, the unread count."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform import notifications
from platform.api.input import JsonInputSerializer
from platform.models import Notification, User

MARK_READ_MAX_IDS = 500


class NotificationOutputSerializer(serializers.ModelSerializer[Notification]):
    url = serializers.SerializerMethodField(help_text="A path on this site, or empty.")
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_url(self, notification: Notification) -> str:
        return notification.url if notifications.url_is_local_path(notification.url) else ""

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadInputSerializer(JsonInputSerializer):
    ids = serializers.ListField(
        # A notification's id is a 64-bit integer (BigAutoField): larger ones are refused, not looked up.
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=MARK_READ_MAX_IDS,
        help_text="Your notifications to mark read; others' ids are ignored.",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notification read.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ids" in attrs) == bool(attrs.get("all")):
            raise serializers.ValidationError({"ids": ['Send either "ids" or "all": true.']})
        return attrs


class MarkReadOutputSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField()


class UnreadCountOutputSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField()


class NotificationListView(generics.ListAPIView[Notification]):
    """Your notifications, newest first (cursor-paginated)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationOutputSerializer

    def get_queryset(self) -> Any:
        user = self.request.user
        assert isinstance(user, User)
        return notifications.notifications_of(user=user)


class NotificationMarkReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=MarkReadInputSerializer, responses=MarkReadOutputSerializer)
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        serializer = MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications.notifications_mark_read(user=user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked, "unread": notifications.unread_count(user=user)})


class NotificationUnreadCountView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UnreadCountOutputSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response({"unread": notifications.unread_count(user=user)})
