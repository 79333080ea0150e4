"""The business dashboard's pages; they parse, call a service and render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from businesses import gateway, selectors, services
from businesses.api.serializers import ResultsOutputSerializer
from businesses.forms import BusinessProfileForm, PromotionForm
from businesses.models import BusinessProfile, Promotion
from businesses.rules import money_format
from creators.models import CreatorProfile
from platform.models import User
from platform.regions import regions_of
from platform.views import form_add_service_errors, service_call


def business_user_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and an adult: every business page refuses minors before anything else."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert isinstance(request.user, User)
        services.business_user_check(user=request.user)
        return view(request, request.user, *args, **kwargs)

    return wrapper


@business_user_required
def business_home(request: HttpRequest, user: User) -> HttpResponse:
    """The dashboard: the business profile (made here from the creator profile, or edited here)."""
    creator = CreatorProfile.objects.filter(user=user).first()
    business = selectors.business_of(user=user)
    initial = (
        {
            "legal_name": business.legal_name,
            "category": business.category,
            "country": str(business.country),
            "region": business.region,
            "website": business.website,
        }
        if business
        else {
            "legal_name": creator.display_name if creator else "",
            "country": str(user.country),
            "region": user.region,
        }
    )
    form = BusinessProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and creator is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if business is None:
                services.business_profile_create(user=user, **data)
                messages.success(request, "Your business profile is ready.")
            else:
                services.business_profile_update(business=business, **data)
                messages.success(request, "Business profile saved.")
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("businesses:home")
    country = form["country"].value() or ""
    return render(
        request,
        "businesses/home.html",
        {
            "creator": creator,
            "business": business,
            "promotions": selectors.promotions_of(business=business) if business else [],
            "form": form,
            "regions": regions_of(str(country)),
        },
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Stripe's events: verified on the raw body, each id applied once (a success only as Stripe's API
    confirms it); anything else is a 400."""
    try:
        event = gateway.webhook_event_verify(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
        is_new = services.stripe_event_process(event=event)
    except gateway.WebhookRejected as rejected:
        return JsonResponse({"detail": str(rejected)}, status=400)
    except gateway.GatewayError as error:
        # Stripe could not confirm the event just now: any non-2xx makes Stripe send it again later.
        return JsonResponse({"detail": error.message, "code": error.code}, status=503)
    # 200 also for replays and types we ignore: Stripe stops retrying only on a 2xx.
    return JsonResponse({"received": True, "duplicate": not is_new})


def _own_business(user: User) -> BusinessProfile:
    business = selectors.business_of(user=user)
    if business is None:
        raise Http404("Create a business profile first.")
    return business


@business_user_required
def promotion_new(request: HttpRequest, user: User) -> HttpResponse:
    business = _own_business(user)
    videos = list(selectors.videos_promotable(business=business))
    currency = settings.PROMOTION_CURRENCY
    form = PromotionForm(request.POST if request.method == "POST" else None, videos=videos, currency=currency)
    if request.method == "POST" and form.is_valid():
        video = next(video for video in videos if str(video.public_id) == form.cleaned_data["video"])
        try:
            promotion = services.promotion_create(business=business, video=video, **form.service_arguments())
        except ValidationError as error:
            form_add_service_errors(form, error, renames={"budget_cents": "budget", "topic_slugs": "topics"})
        else:
            return redirect("businesses:promotion", public_id=promotion.public_id)
    # The price table (or settings without a row), as the promotion will be priced when it is made.
    prices = {price.audience: price.display for price in services.prices_published()}
    return render(
        request,
        "businesses/promotion_new.html",
        {"business": business, "form": form, "videos": videos, "prices": prices},
        status=400 if request.method == "POST" else 200,
    )


@business_user_required
def promotion_detail(request: HttpRequest, user: User, public_id: str) -> HttpResponse:
    promotion = selectors.promotion_of(business=_own_business(user), public_id=public_id)
    if promotion is None:
        raise Http404("No such promotion.")
    payment = selectors.payment_live(promotion=promotion)
    # Results from the moment it was approved to run (a promotion cancelled before that has none).
    results = selectors.promotion_results(promotion=promotion) if promotion.starts_at else None
    may_pay = promotion.state in (Promotion.State.DRAFT, Promotion.State.AWAITING_PAYMENT)
    return render(
        request,
        "businesses/promotion.html",
        {
            "promotion": promotion,
            "payment": payment,
            "refunds": [
                (refund, money_format(cents=refund.amount_cents, currency=refund.currency))
                for refund in selectors.refunds_of(promotion=promotion)
            ],
            "budget": money_format(cents=promotion.budget_cents, currency=promotion.currency),
            "price": money_format(cents=promotion.cpm_cents, currency=promotion.currency),
            "may_pay": may_pay,
            "may_cancel": promotion.state
            not in (Promotion.State.COMPLETED, Promotion.State.REJECTED, Promotion.State.CANCELLED),
            # Back from the card form: the bank's answer reaches us by webhook in a moment.
            "is_confirming": may_pay and request.GET.get("paid") == "1",
            "stripe_js_url": gateway.stripe_js_url(),
            "publishable_key": gateway.publishable_key(),
            "is_local_stripe": gateway.is_local(),
            "results": results,
            # The same JSON the results API answers: the page draws its chart from it, then polls.
            "results_data": ResultsOutputSerializer(results).data if results else None,
        },
    )


@business_user_required
def receipts(request: HttpRequest, user: User) -> HttpResponse:
    """Every payment and refund of the business, with Stripe's receipt where Stripe has one."""
    business = _own_business(user)
    return render(
        request,
        "businesses/receipts.html",
        {"business": business, "receipts": selectors.receipts_of(business=business)},
    )


@require_POST
@business_user_required
def promotion_cancel(request: HttpRequest, user: User, public_id: str) -> HttpResponse:
    promotion = selectors.promotion_of(business=_own_business(user), public_id=public_id)
    if promotion is None:
        raise Http404("No such promotion.")
    with service_call(request, success="Promotion cancelled."):
        services.promotion_cancel(promotion=promotion, actor=user)
    return redirect("businesses:promotion", public_id=promotion.public_id)


def promotion_visit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The button on a sponsored slot: counted for the promotion, then on to its website or profile.

    Anyone may follow it (it is a link in the feed); counted once per visitor's session and day."""
    promotion = Promotion.objects.select_related("business__creator").filter(public_id=public_id).first()
    if promotion is None or promotion.starts_at is None:
        raise Http404("No such promotion.")
    if not _first_today(request, session_key=VISITS_SESSION_KEY, subject=str(public_id)):
        return redirect(services.promotion_destination(promotion=promotion))
    return redirect(services.promotion_click(promotion=promotion))


VISITS_SESSION_KEY = "promotion_visits"


def _first_today(request: HttpRequest, *, session_key: str, subject: str) -> bool:
    """Whether this visitor follows this link for the first time today (clicks count once a day)."""
    seen = request.session.get(session_key, [])
    mark = f"{subject}:{timezone.localdate().isoformat()}"
    if mark in seen:
        return False
    request.session[session_key] = [*seen[-49:], mark]
    return True


@require_POST
@business_user_required
def promotion_hold(request: HttpRequest, user: User, public_id: str, action: str) -> HttpResponse:
    """Pause or resume a running promotion from its page."""
    promotion = selectors.promotion_of(business=_own_business(user), public_id=public_id)
    if promotion is None or action not in ("pause", "resume"):
        raise Http404("No such promotion.")
    move = services.promotion_pause if action == "pause" else services.promotion_resume
    with service_call(
        request, success="Promotion paused." if action == "pause" else "Promotion running again."
    ):
        move(promotion=promotion, actor=user)
    return redirect("businesses:promotion", public_id=promotion.public_id)


WEBSITE_VISITS_SESSION_KEY = "website_visits"


def business_website(request: HttpRequest, handle: str) -> HttpResponse:
    """ "Visit website" on ``/@handle``: counted (once per visitor's session and day), then a 302 to the
    business's website. No business, no website, not verified, or a block either way: 404."""
    viewer = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    business = selectors.business_website_target(handle=handle, viewer=viewer)
    if business is None:
        raise Http404("This account has no website.")
    if not _first_today(request, session_key=WEBSITE_VISITS_SESSION_KEY, subject=str(business.pk)):
        return redirect(business.website)
    return redirect(services.website_click(business=business))
