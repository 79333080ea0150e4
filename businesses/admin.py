"""The admin of businesses: every change that matters goes through the same services as the site."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from businesses import gateway, selectors, services
from businesses.models import (
    BusinessProfile,
    Payment,
    Promotion,
    PromotionDay,
    PromotionPrice,
    Refund,
    StripeEvent,
)
from businesses.rules import money_format
from businesses.services.pricing import price_check
from platform.admin_inlines import RecordInline
from platform.admin_site import ModerationQueue, moderation_queue_register
from platform.models import User


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin[BusinessProfile]):
    list_display = ["legal_name", "creator", "category", "country", "is_verified", "created_at"]
    # Country by code in the search: a filter listing every country would make the page thousands of px tall.
    list_filter = ["is_verified", "category"]
    search_fields = ["legal_name", "creator__handle", "creator__user__email", "website", "=country", "region"]
    search_help_text = gettext_lazy(
        "Search by name, handle, email, website, region (DE-BY) or country code (DE)."
    )
    list_select_related = ["creator"]
    raw_id_fields = ["creator"]
    # Verification changes only through the action, so that it is audited.
    readonly_fields = ["is_verified", "verified_at", "verified_by", "created_at", "updated_at"]
    actions = ["verify"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=gettext_lazy("Verify the selected businesses"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[BusinessProfile]) -> None:
        count = 0
        for business in queryset.filter(is_verified=False):
            services.business_profile_verify(business=business, actor=_actor(request))
            count += 1
        messages.success(
            request,
            ngettext("%(count)s business verified.", "%(count)s businesses verified.", count)
            % {"count": count},
        )


class PaymentInline(RecordInline, admin.TabularInline[Payment, Promotion]):
    model = Payment
    fields = ["attempt", "intent_id", "amount_cents", "currency", "status", "failure_reason", "succeeded_at"]


class PromotionActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("For “Reject”: shown to the business; it is refunded in full."),
    )


class RefundInline(RecordInline, admin.TabularInline[Refund, Payment]):
    model = Refund
    fields = ["amount_cents", "currency", "reason", "status", "stripe_id", "failure_reason", "succeeded_at"]


class PromotionDayInline(RecordInline, admin.TabularInline[PromotionDay, Promotion]):
    model = PromotionDay
    fields = [
        "day", "impressions", "spent_cents", "views", "watch_seconds", "completions", "likes", "follows",
        "profile_visits", "website_clicks",
    ]  # fmt: skip
    verbose_name_plural = gettext_lazy("Results per day")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin[Promotion]):
    """The review queue (filter by “In review”): approve, or reject with a reason, through the services."""

    list_display = ["created_at", "business", "video", "state", "budget", "spent", "ends_at"]
    list_filter = ["state", "goal", "audience"]
    search_fields = ["public_id", "business__legal_name", "business__creator__handle"]
    search_help_text = gettext_lazy("Search by the promotion's id, the business's name or its handle.")
    list_select_related = ["business", "video"]
    inlines = [PaymentInline, PromotionDayInline]
    action_form = PromotionActionForm
    # The changelist links to "Spend today" (``spend_today_view``).
    change_list_template = "admin/businesses/promotion/change_list.html"
    actions = ["approve", "reject"]

    @admin.display(description=gettext_lazy("budget"), ordering="budget_cents")
    def budget(self, obj: Promotion) -> str:
        return money_format(cents=obj.budget_cents, currency=obj.currency)

    @admin.display(description=gettext_lazy("spent"), ordering="spent_cents")
    def spent(self, obj: Promotion) -> str:
        return money_format(cents=obj.spent_cents, currency=obj.currency)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Promotion | None = None) -> bool:
        return False  # a promotion's record outlives it: payments, refunds and the audit point at it

    def get_urls(self) -> list[URLPattern]:
        # Before the model's own URLs, or "<object_id>/" would take "spend-today/".
        spend_today = path(
            "spend-today/",
            self.admin_site.admin_view(self.spend_today_view),
            name="businesses_promotion_spend_today",
        )
        return [spend_today, *super().get_urls()]

    def spend_today_view(self, request: HttpRequest) -> HttpResponse:
        """ "Spend today": each running (or today charged) promotion's impressions and spend today, with
        its budget, spend so far, what remains and its state, and the day's totals. Read-only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = selectors.spend_today()
        rows = [
            {
                "promotion": row.promotion,
                "impressions_today": row.impressions_today,
                "spent_today": money_format(cents=row.spent_today_cents, currency=row.promotion.currency),
                "budget": money_format(cents=row.promotion.budget_cents, currency=row.promotion.currency),
                "spent": money_format(cents=row.promotion.spent_cents, currency=row.promotion.currency),
                "remaining": money_format(cents=row.remaining_cents, currency=row.promotion.currency),
            }
            for row in summary.rows
        ]
        totals = [
            {"impressions": impressions, "spent": money_format(cents=spent, currency=currency)}
            for currency, (impressions, spent) in summary.totals.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Spend today (%(day)s)") % {"day": summary.day.isoformat()},
            "rows": rows,
            "totals": totals,
        }
        return TemplateResponse(request, "admin/businesses/promotion/spend_today.html", context)

    def get_readonly_fields(self, request: HttpRequest, obj: Promotion | None = None) -> list[str]:
        # The actions need the "change" permission; the form itself changes nothing.
        return [field.name for field in Promotion._meta.fields] + ["topics"]

    @admin.action(description=gettext_lazy("Approve (it starts running now)"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Promotion]) -> None:
        done = 0
        for promotion in queryset:
            try:
                services.promotion_approve(promotion=promotion, actor=_actor(request))
                done += 1
            except ValidationError as error:
                messages.error(request, f"{promotion.public_id}: {' '.join(error.messages)}")
        messages.success(
            request,
            ngettext("%(count)s promotion approved.", "%(count)s promotions approved.", done)
            % {"count": done},
        )

    @admin.action(
        description=gettext_lazy("Reject with the reason above (refunds in full)"), permissions=["change"]
    )
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
        messages.success(
            request,
            ngettext("%(count)s promotion rejected.", "%(count)s promotions rejected.", done)
            % {"count": done},
        )


def _stripe_link(path: str, stripe_id: str | None) -> str:
    """Stripe's dashboard page of an object; with localstripe there is none, so just the id."""
    if not stripe_id:
        return "—"
    if gateway.is_local():
        return stripe_id
    mode = "" if settings.STRIPE_SECRET_KEY.startswith("sk_live_") else "test/"
    return format_html(
        '<a href="https://dashboard.stripe.com/{}{}/{}" rel="noopener" target="_blank">{}</a>',
        mode,
        path,
        stripe_id,
        stripe_id,
    )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    """Read-only: payments are written by the payment services and Stripe's webhook."""

    list_display = ["stripe", "promotion", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["intent_id", "promotion__public_id"]
    list_select_related = ["promotion"]
    inlines = [RefundInline]

    @admin.display(description=gettext_lazy("Stripe PaymentIntent"), ordering="intent_id")
    def stripe(self, obj: Payment) -> str:
        return _stripe_link("payments", obj.intent_id)

    @admin.display(description=gettext_lazy("amount"), ordering="amount_cents")
    def amount(self, obj: Payment) -> str:
        return money_format(cents=obj.amount_cents, currency=obj.currency)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin[Refund]):
    """Read-only: filter by "Failed" to find refunds Stripe refused (the task logged why)."""

    list_display = ["stripe", "payment", "amount", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["stripe_id", "payment__intent_id", "payment__promotion__public_id"]
    list_select_related = ["payment"]

    @admin.display(description=gettext_lazy("Stripe refund"), ordering="stripe_id")
    def stripe(self, obj: Refund) -> str:
        return _stripe_link("refunds", obj.stripe_id)

    @admin.display(description=gettext_lazy("amount"), ordering="amount_cents")
    def amount(self, obj: Refund) -> str:
        return money_format(cents=obj.amount_cents, currency=obj.currency)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Refund | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Refund | None = None) -> bool:
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "object_id", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StripeEvent | None = None) -> bool:
        return False


class PromotionPriceForm(forms.ModelForm[PromotionPrice]):
    class Meta:
        model = PromotionPrice
        fields = ["audience", "cpm_cents", "currency"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "cpm_cents" in data and "currency" in data:
            audience = data.get("audience", self.instance.audience)
            price_check(audience=audience, cpm_cents=data["cpm_cents"], currency=data["currency"])
        return data


@admin.register(PromotionPrice)
class PromotionPriceAdmin(admin.ModelAdmin[PromotionPrice]):
    """The published price table. Saving and deleting go through ``services`` so that every change is
    audited; promotions already made keep the price they were made at."""

    form = PromotionPriceForm
    list_display = ["audience", "price", "updated_at"]

    @admin.display(description=gettext_lazy("Price per 1,000 sponsored impressions"), ordering="cpm_cents")
    def price(self, obj: PromotionPrice) -> str:
        return money_format(cents=obj.cpm_cents, currency=obj.currency)

    def get_readonly_fields(self, request: HttpRequest, obj: PromotionPrice | None = None) -> list[str]:
        # One row per audience: a changed price is a new price for the same audience.
        return ["audience", "updated_at"] if obj is not None else ["updated_at"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"currency": settings.PROMOTION_CURRENCY, **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: PromotionPrice, form: Any, change: bool) -> None:
        saved = services.promotion_price_set(
            audience=obj.audience, cpm_cents=obj.cpm_cents, currency=obj.currency, actor=_actor(request)
        )
        obj.pk, obj.currency, obj.updated_at = saved.pk, saved.currency, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: PromotionPrice) -> None:
        services.promotion_price_delete(price=obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PromotionPrice]) -> None:
        for price in queryset:
            services.promotion_price_delete(price=price, actor=_actor(request))


# Paid promotions wait in review from their payment until a moderator approves or rejects them.
moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Promotions to review"),
        model=Promotion,
        query={"state__exact": Promotion.State.IN_REVIEW},
        waiting_since="paid_at",
        position=60,
    )
)
