"""The admin of businesses: every change that matters goes through the same services as the site."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from businesses import services
from businesses.models import BusinessProfile, Payment, Promotion, StripeEvent
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


class PaymentInline(admin.TabularInline[Payment, Promotion]):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["attempt", "intent_id", "amount_cents", "currency", "status", "failure_reason", "succeeded_at"]
    readonly_fields = [
        "attempt",
        "intent_id",
        "amount_cents",
        "currency",
        "status",
        "failure_reason",
        "succeeded_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Promotion | None = None) -> bool:
        return False


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin[Promotion]):
    """Read-only for now: states move through the services (the review queue's actions come next)."""

    list_display = ["public_id", "business", "state", "budget_cents", "spent_cents", "currency", "created_at"]
    list_filter = ["state", "goal", "audience"]
    search_fields = ["public_id", "business__legal_name", "business__creator__handle"]
    list_select_related = ["business"]
    inlines = [PaymentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Promotion | None = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["intent_id", "promotion", "attempt", "amount_cents", "currency", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["intent_id", "promotion__public_id"]
    list_select_related = ["promotion"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "object_id", "created", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StripeEvent | None = None) -> bool:
        return False
