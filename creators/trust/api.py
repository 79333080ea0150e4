"""The decisions API: a person's own moderation decisions (statements of reasons) and their appeal; and
reporting a comment (videos and accounts are reported through the feeds' API, with the same throttle)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators import selectors, services
from creators.models import Appeal, Decision, Report
from creators.trust.reports import report_create
from platform.api.throttling import SettingsScopedRateThrottle
from platform.errors import NotFound
from platform.guidelines import Guideline, guideline_anchor
from platform.models import User
from platform.viewer import viewer_of


class AppealOutputSerializer(serializers.ModelSerializer[Appeal]):
    class Meta:
        model = Appeal
        fields = ["state", "statement", "created_at", "decided_at", "outcome_reason"]


class DecisionVideoSerializer(serializers.Serializer[Any]):
    public_id = serializers.UUIDField()
    caption = serializers.CharField()


class DecisionCommentSerializer(serializers.Serializer[Any]):
    """The comment a decision is about: its text (plain text: clients insert it as text) and its video."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    video = serializers.UUIDField(source="video.public_id")


class DecisionOutputSerializer(serializers.ModelSerializer[Decision]):
    action_label = serializers.CharField(source="get_action_display")
    guideline_label = serializers.SerializerMethodField()
    guideline_url = serializers.SerializerMethodField()
    video = DecisionVideoSerializer(allow_null=True)
    comment = DecisionCommentSerializer(allow_null=True)
    appeal = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Decision
        fields = [
            "id",
            "action",
            "action_label",
            "guideline",
            "guideline_label",
            "guideline_url",
            "facts",
            "source",
            "is_automated",
            "video",
            "comment",
            "created_at",
            "ends_at",
            "appeal_until",
            "reversed_at",
            "appeal",
            "url",
        ]

    def get_guideline_label(self, obj: Decision) -> str:
        return str(Guideline(obj.guideline).label) if obj.guideline in Guideline.values else ""

    def get_guideline_url(self, obj: Decision) -> str | None:
        return reverse("guidelines") + guideline_anchor(obj.guideline) if obj.guideline else None

    @extend_schema_field(AppealOutputSerializer(allow_null=True))
    def get_appeal(self, obj: Decision) -> dict[str, Any] | None:
        appeal = getattr(obj, "appeal", None)
        return AppealOutputSerializer(appeal).data if appeal is not None else None


class AppealInputSerializer(serializers.Serializer[Any]):
    # Blank passes here so that the service's one rule answers it ({"detail": ...}, 400).
    statement = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=False)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class DecisionListView(generics.ListAPIView[Decision]):
    """Your own moderation decisions, newest first."""

    serializer_class = DecisionOutputSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Decision]:
        return selectors.decisions_of(user=_user(self.request))


class DecisionDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    # Errors carry no serializer here: the schema gives every 4xx the one error shape (platform.api.schema).
    @extend_schema(
        responses={
            200: DecisionOutputSerializer,
            404: OpenApiResponse(description="Not one of your decisions."),
        }
    )
    def get(self, request: Request, decision_id: int) -> Response:
        decision = selectors.decision_get(user=_user(request), decision_id=decision_id)
        if decision is None:
            raise NotFound(gettext("No such decision."))
        return Response(DecisionOutputSerializer(decision).data)


class DecisionAppealView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=AppealInputSerializer,
        responses={
            201: DecisionOutputSerializer,
            400: OpenApiResponse(description="The statement is missing, empty or too long."),
            404: OpenApiResponse(description="Not one of your decisions."),
            409: OpenApiResponse(description="Appealed already, too late, or not appealable."),
        },
    )
    def post(self, request: Request, decision_id: int) -> Response:
        serializer = AppealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        services.appeal_create(
            appellant=user, decision_id=decision_id, statement=serializer.validated_data["statement"]
        )
        decision = selectors.decision_get(user=user, decision_id=decision_id)
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


class CommentReportInputSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReportOutputSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class CommentReportView(APIView):
    """Report a comment you can read: one report per reporter and comment (reporting again replaces the
    reason and reopens it), throttled per reporter like reports of videos and accounts."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "reports"

    @extend_schema(
        request=CommentReportInputSerializer,
        responses={
            201: ReportOutputSerializer,
            400: OpenApiResponse(
                description="No reason, a reason that is not a guideline, or your own comment."
            ),
            404: OpenApiResponse(description="No such comment, or not one you can read."),
        },
    )
    def post(self, request: Request, comment_id: int) -> Response:
        serializer = CommentReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report_create(viewer=viewer_of(request), comment_id=comment_id, **serializer.validated_data)
        return Response(
            {"detail": gettext("Thanks — a moderator will review it.")}, status=status.HTTP_201_CREATED
        )
