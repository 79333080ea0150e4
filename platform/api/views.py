"""Account endpoints for API clients: sign up, log in and out, the current account, regions, screen time."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform import origin, screen_time, services
from platform.account_deletion import account_deletion_cancel
from platform.api.query import query_of
from platform.api.serializers import (
    AccountUpdateInputSerializer,
    LogInInputSerializer,
    RegionOutputSerializer,
    RegionQuerySerializer,
    ScreenTimeOutputSerializer,
    ScreenTimeUnlockInputSerializer,
    SignUpInputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
)
from platform.api.throttling import SettingsScopedRateThrottle
from platform.errors import RateLimited
from platform.models import User
from platform.regions import regions_of
from platform.views import signup_block, signup_is_blocked


class SignUpView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=SignUpInputSerializer, responses={201: TokenOutputSerializer})
    def post(self, request: Request) -> Response:
        if signup_is_blocked(request._request):
            return Response(
                {
                    "detail": _("Sign-up is not available from this device right now."),
                    "code": "signup_blocked",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = SignUpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_sign_up(
                **serializer.validated_data,
                signup_address=origin.client_address(request._request),
                signup_browser=origin.browser_hash(origin.browser_id(request._request)),
            )
        except services.AgeRefused:
            # Not an error to map: the refusal also marks the device (a cookie on this response).
            response = Response(
                {"detail": _("Sorry, you are not old enough to use Joyreel."), "code": "age_refused"},
                status=status.HTTP_403_FORBIDDEN,
            )
            signup_block(response)
            return response
        token, _created = Token.objects.get_or_create(user=user)
        return origin.browser_id_keep(
            request._request,
            Response(
                {"token": token.key, "user": UserOutputSerializer(user).data}, status=status.HTTP_201_CREATED
            ),
        )


class LogInView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=LogInInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = LogInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request
        user = authenticate(
            http_request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            raise RateLimited(_("Too many failed log-ins. Try again later."))
        if user is None:
            # One message whether or not the email exists.
            return Response(
                {"detail": _("The email or password is not right."), "code": "login_refused"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # Logging in within the 14 days keeps an account whose deletion was requested, as on the site.
        account_deletion_cancel(user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "user": UserOutputSerializer(user).data})


class LogOutView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(request=AccountUpdateInputSerializer, responses=UserOutputSerializer)
    def put(self, request: Request) -> Response:
        serializer = AccountUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        services.user_update_settings(user=user, **serializer.validated_data)
        return Response(UserOutputSerializer(user).data)


class RegionListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[RegionQuerySerializer], responses=RegionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        country = query_of(request, RegionQuerySerializer)["country"]
        return Response([{"code": code, "name": name} for code, name in regions_of(country)])


class ScreenTimeView(APIView):
    """Today's minutes, the limit, and whether the feeds have stopped for the day."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ScreenTimeOutputSerializer)
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(screen_time.screen_time_status(user=request.user).as_json())


class ScreenTimeUnlockView(APIView):
    """The passcode at the limit: 30 more minutes today. Wrong tries are limited in the service."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ScreenTimeUnlockInputSerializer, responses=ScreenTimeOutputSerializer)
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        serializer = ScreenTimeUnlockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        status_ = screen_time.screen_time_unlock(
            user=request.user, passcode=serializer.validated_data["passcode"]
        )
        return Response(status_.as_json())


class _JsonErrorsMixin:
    """The schema (YAML) and its docs page (HTML) answer their errors (405, 406) in the API's JSON shape
    all the same, whatever renderer the request asked for."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class SchemaView(_JsonErrorsMixin, SpectacularAPIView):
    pass


class SchemaDocsView(_JsonErrorsMixin, SpectacularSwaggerView):
    pass
