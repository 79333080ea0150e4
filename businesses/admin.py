"""The admin of businesses: every change that matters goes through the same services as the site."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from businesses import services
from businesses.models import BusinessProfile, Payment, Promotion, Refund, StripeEvent
from platform.admin_inlines import RecordInline
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


class PaymentInline(RecordInline, admin.TabularInline[Payment, Promotion]):
    model = Payment
    fields = ["attempt", "intent_id", "amount_cents", "currency", "status", "failure_reason", "succeeded_at"]


class PromotionActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="For “Reject”: shown to the business; it is refunded in full.",
    )


class RefundInline(RecordInline, admin.TabularInline[Refund, Payment]):
    model = Refund
    fields = ["amount_cents", "currency", "reason", "status", "stripe_id", "failure_reason", "succeeded_at"]


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin[Promotion]):
    """The review queue (filter by “In review”): approve, or reject with a reason, through the services."""

    list_display = [
        "public_id",
        "business",
        "video",
        "state",
        "budget_cents",
        "spent_cents",
        "currency",
        "created_at",
    ]
    list_filter = ["state", "goal", "audience"]
    search_fields = ["public_id", "business__legal_name", "business__creator__handle"]
    list_select_related = ["business", "video"]
    inlines = [PaymentInline]
    action_form = PromotionActionForm
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Promotion | None = None) -> list[str]:
        # The actions need the "change" permission; the form itself changes nothing.
        return [field.name for field in Promotion._meta.fields] + ["topics"]

    @admin.action(description="Approve (it starts running now)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Promotion]) -> None:
        done = 0
        for promotion in queryset:
            try:
                services.promotion_approve(promotion=promotion, actor=_actor(request))
                done += 1
            except ValidationError as error:
                messages.error(request, f"{promotion.public_id}: {' '.join(error.messages)}")
        messages.success(request, f"{done} promotion(s) approved.")

    @admin.action(description="Reject with the reason above (refunds in full)", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Promotion]) -> None:
        done = 0
        for promotion in queryset:
            try:
                services.promotion_reject(
                    promotion=promotion, actor=_actor(request), reason=request.POST.get("reason", "")
                )
                done += 1
            except ValidationError as error:
                messages.error(request, f"{promotion.public_id}: {' '.join(error.messages)}")
        messages.success(request, f"{done} promotion(s) rejected.")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["intent_id", "promotion", "attempt", "amount_cents", "currency", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["intent_id", "promotion__public_id"]
    list_select_related = ["promotion"]
    inlines = [RefundInline]

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
