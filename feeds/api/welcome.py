"""``POST /api/v1/me/interests``: what a signed-in viewer says they enjoy seeds their For You."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feeds.welcome import services
from platform.api.input import JsonInputSerializer
from platform.viewer import viewer_of

# Bounds the body only; how many may be picked is the service's rule (its own error and code).
IDS_MAX = 100


class InterestsInputSerializer(JsonInputSerializer):
    topics = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=IDS_MAX,
        help_text=f"Topic ids (``/api/v1/topics``), at most {services.MAX_TOPICS}.",
    )
    hashtags = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=IDS_MAX,
        help_text=f"Hashtag ids carried by videos in the feeds, at most {services.MAX_HASHTAGS}.",
    )


class InterestsOutputSerializer(serializers.Serializer[Any]):
    topics = serializers.ListField(child=serializers.IntegerField(), help_text="The topics seeded.")
    hashtags = serializers.ListField(child=serializers.IntegerField(), help_text="The hashtags seeded.")


class InterestsView(APIView):
    """Seed your interest profile with topics and hashtags you enjoy: light evidence that fades in a few
    days and that your watching soon outweighs. Unknown ids or too many picks: 400 and nothing is saved."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=InterestsInputSerializer, responses=InterestsOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = InterestsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        picks = services.interests_pick(
            viewer=viewer_of(request),
            topic_ids=serializer.validated_data["topics"],
            hashtag_ids=serializer.validated_data["hashtags"],
        )
        return Response({"topics": list(picks.topic_ids), "hashtags": list(picks.hashtag_ids)})
