"""The admin of businesses: every change that matters goes through the same services as the site."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from businesses import services
from businesses.models import BusinessProfile
from platform.models import User


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin[BusinessProfile]):
    list_display = ["legal_name", "creator", "category", "country", "region", "is_verified", "created_at"]
    list_filter = ["is_verified", "category", "country"]
    search_fields = ["legal_name", "creator__handle", "creator__user__email", "website"]
    list_select_related = ["creator"]
    raw_id_fields = ["creator"]
    # Verification changes only through the action, so that it is audited.
    readonly_fields = ["is_verified", "verified_at", "verified_by", "created_at", "updated_at"]
    actions = ["verify"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Verify the selected businesses", permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[BusinessProfile]) -> None:
        count = 0
        for business in queryset.filter(is_verified=False):
            services.business_profile_verify(business=business, actor=_actor(request))
            count += 1
        messages.success(request, f"{count} business(es) verified.")
