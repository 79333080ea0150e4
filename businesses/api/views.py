"""Businesses API views; every lookup is scoped to the requester's own business."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from businesses import selectors, services
from businesses.api.permissions import IsAdultBusinessUser
from businesses.api.serializers import BusinessProfileInputSerializer, BusinessProfileOutputSerializer
from businesses.models import BusinessProfile
from platform.models import User


def own_business(request: Request) -> BusinessProfile:
    assert isinstance(request.user, User)
    business = selectors.business_of(user=request.user)
    if business is None:
        raise Http404("Create a business profile first.")
    return business


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
