"""The business dashboard's pages; they parse, call a service and render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from businesses import gateway, selectors, services
from businesses.api.serializers import ResultsOutputSerializer
from businesses.forms import BusinessProfileForm, PromotionForm
from businesses.models import BusinessProfile, Promotion
from businesses.rules import BudgetPer, money_format
from creators.models import CreatorProfile
from platform.errors import error_code
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
    # Where to go once the profile exists: only ever the promotion form, with the video it was asked for.
    next_url = promotion_new_url(request.GET.get("next", ""))
    if request.method == "POST" and creator is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if business is None:
                services.business_profile_create(user=user, **data)
                messages.success(request, _("Your business profile is ready."))
            else:
                services.business_profile_update(business=business, **data)
                messages.success(request, _("Business profile saved."))
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect(next_url or "businesses:home")
    country = form["country"].value() or ""
    return render(
        request,
        "businesses/home.html",
        {
            "creator": creator,
            "business": business,
            "overview": selectors.promotions_overview(business=business) if business else None,
            "form": form,
            "regions": regions_of(str(country)),
            "next_url": next_url,
        },
        status=400 if request.method == "POST" else 200,
    )


def promotion_new_url(candidate: str) -> str | None:
    """``candidate`` if it is our own new-promotion form (with at most a video's public id), else None:
    a ``next`` never leads anywhere else."""
    form = reverse("businesses:promotion_new")
    if not candidate or not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or parts.path != form:
        return None
    video = _public_id(dict(parse_qsl(parts.query)).get("video", ""))
    return f"{form}?{urlencode({'video': str(video)})}" if video else form


def _public_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Stripe's events: verified on the raw body, each id applied once (a success only as Stripe's API
    confirms it); anything else is a 400. Errors are the API's shape, ``{"detail", "code"}``: the 400's
    code says why (``WebhookRejected.code``), the 503's is ``upstream_error`` (Stripe's own code is logged,
    never answered)."""
    try:
        event = gateway.webhook_event_verify(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
        is_new = services.stripe_event_process(event=event)
    except gateway.WebhookRejected as rejected:
        return JsonResponse({"detail": rejected.message, "code": rejected.code}, status=400)
    except gateway.GatewayError as error:
        # Stripe could not confirm the event just now: any non-2xx makes Stripe send it again later.
        return JsonResponse({"detail": error.message, "code": error_code(error)}, status=503)
    # 200 also for replays and types we ignore: Stripe stops retrying only on a 2xx.
    return JsonResponse({"received": True, "duplicate": not is_new})


def _own_business(user: User) -> BusinessProfile:
    business = selectors.business_of(user=user)
    if business is None:
        raise Http404(_("Create a business profile first."))
    return business


@business_user_required
def promotion_new(request: HttpRequest, user: User) -> HttpResponse:
    """The promotion form; ``?video=<public id>`` chooses one of the business's promotable videos (any
    other id is ignored). Without a business profile: make one first, then come back here."""
    business = selectors.business_of(user=user)
    if business is None:
        back = promotion_new_url(request.get_full_path()) or reverse("businesses:promotion_new")
        messages.info(
            request, _("Create your business profile first; then you choose how to promote the video.")
        )
        return redirect(f"{reverse('businesses:home')}?{urlencode({'next': back})}")
    videos = list(selectors.videos_promotable(business=business))
    currency = settings.PROMOTION_CURRENCY
    chosen = _public_id(request.GET.get("video", ""))
    initial = {"video": str(chosen)} if any(video.public_id == chosen for video in videos) else {}
    form = PromotionForm(
        request.POST if request.method == "POST" else None, videos=videos, currency=currency, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        video = next(video for video in videos if str(video.public_id) == form.cleaned_data["video"])
        arguments = form.service_arguments()
        is_daily = form.cleaned_data["budget_per"] == BudgetPer.DAY
        try:
            promotion = services.promotion_create(business=business, video=video, **arguments)
        except ValidationError as error:
            form_add_service_errors(form, error, renames={"budget_cents": "budget", "topic_slugs": "topics"})
            if "budget" in form.errors and is_daily:
                # The limits are on the total: say what the daily amount came to.
                form.add_error(
                    "budget",
                    f"A daily budget over {arguments['duration_days']} days is "
                    f"{money_format(cents=arguments['budget_cents'], currency=currency)} in total.",
                )
        else:
            return redirect("businesses:promotion", public_id=promotion.public_id)
    # The price table (or settings without a row), as the promotion will be priced when it is made.
    prices = {price.audience: price.display for price in services.prices_published()}
    return render(
        request,
        "businesses/promotion_new.html",
        {
            "business": business,
            "form": form,
            "videos": videos,
            "prices": prices,
            "frequency_cap": settings.PROMOTION_FREQUENCY_CAP,
        },
        status=400 if request.method == "POST" else 200,
    )


@business_user_required
def promotion_detail(request: HttpRequest, user: User, public_id: str) -> HttpResponse:
    promotion = selectors.promotion_of(business=_own_business(user), public_id=public_id)
    if promotion is None:
        raise Http404(_("No such promotion."))
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
            "daily_budget": money_format(
                cents=promotion.budget_cents // promotion.duration_days, currency=promotion.currency
            ),
            "may_pay": may_pay,
            "may_cancel": _may_cancel(promotion),
            "estimate": _estimate_of(promotion),
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


def _may_cancel(promotion: Promotion) -> bool:
    return promotion.state not in (
        Promotion.State.COMPLETED,
        Promotion.State.REJECTED,
        Promotion.State.CANCELLED,
    )


def _estimate_of(promotion: Promotion) -> selectors.ReachEstimate | None:
    """The promotion's estimate over today's audience until it starts; None from then (its results say
    what it bought), when it ended unstarted, or if its terms no longer pass today's limits."""
    if promotion.starts_at is not None or not _may_cancel(promotion):
        return None
    try:
        return selectors.promotion_reach_estimate(promotion=promotion)
    except ValidationError:
        return None


@business_user_required
def promotion_cancel(request: HttpRequest, user: User, public_id: str) -> HttpResponse:
    """GET asks "Cancel it?" and says what comes back; only a POST with ``confirm`` cancels. A POST
    without it (an old page, a stray form) is sent to the question and changes nothing."""
    promotion = selectors.promotion_of(business=_own_business(user), public_id=public_id)
    if promotion is None:
        raise Http404(_("No such promotion."))
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        with service_call(request, success=_("Promotion cancelled.")):
            services.promotion_cancel(promotion=promotion, actor=user)
        return redirect("businesses:promotion", public_id=promotion.public_id)
    if request.method == "POST":
        return redirect("businesses:promotion_cancel", public_id=promotion.public_id)
    if not _may_cancel(promotion):
        messages.info(request, _("This promotion has already ended."))
        return redirect("businesses:promotion", public_id=promotion.public_id)
    preview = services.promotion_cancel_preview(promotion=promotion)
    currency = promotion.currency
    return render(
        request,
        "businesses/promotion_cancel.html",
        {
            "promotion": promotion,
            "preview": preview,
            "refund": money_format(cents=preview.refund_cents, currency=currency),
            "paid": money_format(cents=preview.paid_cents, currency=currency),
            "spent": money_format(cents=preview.spent_cents, currency=currency),
        },
    )


def promotion_visit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The button on a sponsored slot: counted for the promotion, then on to its website or profile.

    Anyone may follow it (it is a link in the feed); counted once per visitor's session and day."""
    promotion = Promotion.objects.select_related("business__creator").filter(public_id=public_id).first()
    if promotion is None or promotion.starts_at is None:
        raise Http404(_("No such promotion."))
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
        raise Http404(_("No such promotion."))
    move = services.promotion_pause if action == "pause" else services.promotion_resume
    with service_call(
        request, success=_("Promotion paused.") if action == "pause" else _("Promotion running again.")
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
        raise Http404(_("This account has no website."))
    if not _first_today(request, session_key=WEBSITE_VISITS_SESSION_KEY, subject=str(business.pk)):
        return redirect(business.website)
    return redirect(services.website_click(business=business))
