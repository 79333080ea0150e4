"""Businesses API views; every lookup is scoped to the requester's own business."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from businesses import selectors, services
from businesses.api.permissions import IsAdultBusinessUser
from businesses.api.serializers import (
    BusinessProfileInputSerializer,
    BusinessProfileOutputSerializer,
    LocalCardInputSerializer,
    PaymentStartOutputSerializer,
    PriceOutputSerializer,
    PromotionInputSerializer,
    PromotionOutputSerializer,
    ReachEstimateOutputSerializer,
    ReachEstimateQuerySerializer,
    ReceiptOutputSerializer,
    ResultsOutputSerializer,
)
from businesses.models import BusinessProfile, Promotion
from businesses.services.promotions import NOT_ELIGIBLE
from creators.models import Video
from platform.models import User


def own_business(request: Request) -> BusinessProfile:
    assert isinstance(request.user, User)
    business = selectors.business_of(user=request.user)
    if business is None:
        raise Http404(_("Create a business profile first."))
    return business


def own_promotion(request: Request, public_id: uuid.UUID) -> Promotion:
    """One of the requesting business's promotions; another business's is a 404 like a missing one."""
    promotion = selectors.promotion_of(business=own_business(request), public_id=public_id)
    if promotion is None:
        raise Http404
    return promotion


class BusinessProfileView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(responses=BusinessProfileOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(BusinessProfileOutputSerializer(own_business(request)).data)

    @extend_schema(
        request=BusinessProfileInputSerializer,
        responses={201: BusinessProfileOutputSerializer, 200: BusinessProfileOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        """Create the business profile, or replace its fields if it exists."""
        assert isinstance(request.user, User)
        data = BusinessProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        business = selectors.business_of(user=request.user)
        if business is None:
            business = services.business_profile_create(user=request.user, **data.validated_data)
            return Response(BusinessProfileOutputSerializer(business).data, status=status.HTTP_201_CREATED)
        business = services.business_profile_update(business=business, **data.validated_data)
        return Response(BusinessProfileOutputSerializer(business).data)


class PromotionListView(generics.ListAPIView[Promotion]):
    serializer_class = PromotionOutputSerializer
    permission_classes = [IsAdultBusinessUser]
    pagination_class = None  # a business has a handful; the dashboard shows them all

    def get_queryset(self) -> QuerySet[Promotion]:
        return selectors.promotions_of(business=own_business(self.request))

    @extend_schema(request=PromotionInputSerializer, responses={201: PromotionOutputSerializer})
    def post(self, request: Request) -> Response:
        """Draft a promotion for one of your published videos, at today's published price."""
        business = own_business(request)
        data = PromotionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        video = Video.objects.filter(public_id=fields.pop("video")).first()
        if video is None:
            raise DjangoValidationError({"video": _(NOT_ELIGIBLE)})
        promotion = services.promotion_create(
            business=business, video=video, topic_slugs=fields.pop("topics"), **fields
        )
        return Response(PromotionOutputSerializer(promotion).data, status=status.HTTP_201_CREATED)


class PromotionDetailView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(responses=PromotionOutputSerializer)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        promotion = own_promotion(request, public_id)
        return Response(PromotionOutputSerializer(promotion).data)


class PromotionPayView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(request=None, responses=PaymentStartOutputSerializer)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        """Start or resume paying: a PaymentIntent for the budget, to confirm with Stripe.js."""
        promotion = own_promotion(request, public_id)
        started = services.promotion_pay_start(promotion=promotion)
        return Response(PaymentStartOutputSerializer(started).data)


class PromotionPayLocalCardView(APIView):
    """localstripe only (404 with Stripe): attach and confirm the card the page tokenised."""

    permission_classes = [IsAdultBusinessUser]

    @extend_schema(request=LocalCardInputSerializer, responses={200: None})
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        promotion = own_promotion(request, public_id)
        data = LocalCardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intent_status = services.promotion_pay_confirm_local(
            promotion=promotion, payment_method=data.validated_data["payment_method"]
        )
        return Response({"status": intent_status})


class PromotionCancelView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(request=None, responses=PromotionOutputSerializer)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        """Stop the promotion: unpaid, its payment is cancelled; paid, what it has not spent is refunded."""
        assert isinstance(request.user, User)
        promotion = own_promotion(request, public_id)
        services.promotion_cancel(promotion=promotion, actor=request.user)
        refreshed = selectors.promotion_of(business=promotion.business, public_id=public_id)
        return Response(PromotionOutputSerializer(refreshed).data)


class PromotionHoldView(APIView):
    """Pause or resume a running promotion (``action`` comes from the URL)."""

    permission_classes = [IsAdultBusinessUser]
    action = "pause"

    @extend_schema(request=None, responses=PromotionOutputSerializer)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        assert isinstance(request.user, User)
        promotion = own_promotion(request, public_id)
        move = services.promotion_pause if self.action == "pause" else services.promotion_resume
        move(promotion=promotion, actor=request.user)
        refreshed = selectors.promotion_of(business=promotion.business, public_id=public_id)
        return Response(PromotionOutputSerializer(refreshed).data)


class PromotionResultsView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(responses=ResultsOutputSerializer)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        """What the promotion has bought so far, with a row per day; the results page polls it."""
        promotion = own_promotion(request, public_id)
        return Response(ResultsOutputSerializer(selectors.promotion_results(promotion=promotion)).data)


class ReceiptListView(APIView):
    permission_classes = [IsAdultBusinessUser]

    @extend_schema(responses=ReceiptOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Every paid payment and every refund of your promotions, newest first."""
        receipts = selectors.receipts_of(business=own_business(request))
        return Response(ReceiptOutputSerializer(receipts, many=True).data)


class PriceListView(APIView):
    """The published prices per 1,000 sponsored impressions, shown before paying; a new promotion keeps
    the price of its audience at the moment it is made."""

    permission_classes = [IsAdultBusinessUser]

    @extend_schema(responses=PriceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PriceOutputSerializer(services.prices_published(), many=True).data)


class ReachEstimateView(APIView):
    """How many people a promotion as described may reach, from the real audience of the last 28 days."""

    permission_classes = [IsAdultBusinessUser]

    @extend_schema(parameters=[ReachEstimateQuerySerializer], responses=ReachEstimateOutputSerializer)
    def get(self, request: Request) -> Response:
        own_business(request)  # a business's tool, like the form it serves
        query = ReachEstimateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fields = dict(query.validated_data)
        estimate = selectors.reach_estimate(topic_slugs=fields.pop("topics"), **fields)
        return Response(ReachEstimateOutputSerializer(estimate).data)
