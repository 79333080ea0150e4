"""Promotions: making one for an eligible video, and the one function that moves its state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeGuard

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from businesses.models import LIVE_STATES, BusinessProfile, Promotion
from businesses.rules import AdultAgeBand, may_move
from businesses.services.pricing import price_for
from businesses.services.profiles import business_user_check
from creators.models import Topic, Video
from platform.errors import Conflict
from platform.models import User
from platform.regions import regions_of
from platform.services import audit_record

MAX_TARGET_REGIONS = 20
MAX_TARGET_TOPICS = 10
NOT_ELIGIBLE = gettext_noop(
    "Choose one of your own published videos that everyone may see and that is suitable for all ages."
)


ALREADY_PROMOTED = gettext_noop(
    "This video already has a promotion running or waiting; cancel it or wait until it ends."
)


def video_promotable_problem(
    *, video: Video, business: BusinessProfile, promotion: Promotion | None = None
) -> str | None:
    """Why this video cannot be promoted by this business (in ``promotion``), or None when it can."""
    if (
        video.owner_id != business.creator_id
        or video.state != Video.State.PUBLISHED
        or video.visibility != Video.Visibility.PUBLIC
        or video.content_level != Video.ContentLevel.GENERAL
        or video.moderation_state != Video.Moderation.VISIBLE
    ):
        return _(NOT_ELIGIBLE)
    others = Promotion.objects.filter(video=video, state__in=LIVE_STATES)
    if promotion is not None:
        others = others.exclude(pk=promotion.pk)
    if others.exists():
        return _(ALREADY_PROMOTED)
    return None


def _whole_number(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def terms_errors(*, budget_cents: object, duration_days: object) -> dict[str, str]:
    """What is wrong with a budget and a duration (the same words on the form, the API and the estimate)."""
    errors: dict[str, str] = {}
    low, high = settings.PROMOTION_BUDGET_MIN_CENTS, settings.PROMOTION_BUDGET_MAX_CENTS
    if not _whole_number(budget_cents):
        errors["budget_cents"] = _("The budget is a whole number of cents.")
    elif not low <= budget_cents <= high:
        errors["budget_cents"] = _("The budget must be between %(low)s and %(high)s %(currency)s.") % {
            "low": low // 100,
            "high": high // 100,
            "currency": settings.PROMOTION_CURRENCY.upper(),
        }
    if not _whole_number(duration_days) or not 1 <= duration_days <= settings.PROMOTION_MAX_DAYS:
        errors["duration_days"] = _("A promotion runs from 1 to %(count)s days.") % {
            "count": settings.PROMOTION_MAX_DAYS
        }
    return errors


def targeting_clean(
    *, audience: str, regions: Iterable[str], topic_slugs: Iterable[str], age_bands: Iterable[str]
) -> tuple[list[str], list[Topic], list[str], dict[str, str]]:
    errors: dict[str, str] = {}
    bands = list(dict.fromkeys(age_bands))
    # Checked whatever the audience: asking for a minors' band is refused, never silently dropped.
    if any(band not in AdultAgeBand.values for band in bands):
        errors["age_bands"] = _("Promotions reach adults only: choose from 18–24, 25–34, 35–54 and 55+.")
    codes = list(dict.fromkeys(code.strip().upper() for code in regions))
    if len(codes) > MAX_TARGET_REGIONS:
        errors["regions"] = _("At most %(count)s regions.") % {"count": MAX_TARGET_REGIONS}
    elif any(code not in dict(regions_of(code.split("-")[0])) for code in codes):
        errors["regions"] = _("Use ISO 3166-2 region codes, such as DE-BY.")
    slugs = list(dict.fromkeys(topic_slugs))
    topics = list(Topic.objects.filter(slug__in=slugs))
    if len(slugs) > MAX_TARGET_TOPICS:
        errors["topics"] = _("At most %(count)s topics.") % {"count": MAX_TARGET_TOPICS}
    elif len(topics) != len(slugs):
        errors["topics"] = _("Choose topics from the list.")
    if audience == Promotion.Audience.AUTOMATIC:
        return [], [], [], errors
    return codes, topics, bands, errors


def offer_clean(
    *,
    audience: str,
    budget_cents: object,
    duration_days: object,
    regions: Iterable[str],
    topic_slugs: Iterable[str],
    age_bands: Iterable[str],
) -> tuple[list[str], list[Topic], list[str], dict[str, str]]:
    """What a promotion offers to buy (audience, budget, days, targeting), checked with the words the
    form shows: the cleaned targeting and the errors by field. Making a promotion and estimating its
    reach use the same check."""
    errors = terms_errors(budget_cents=budget_cents, duration_days=duration_days)
    if audience not in Promotion.Audience.values:
        errors["audience"] = _("Choose an automatic or a custom audience.")
    codes, topics, bands, targeting_errors = targeting_clean(
        audience=audience, regions=regions, topic_slugs=topic_slugs, age_bands=age_bands
    )
    errors.update(targeting_errors)
    return codes, topics, bands, errors


@transaction.atomic
def promotion_create(
    *,
    business: BusinessProfile,
    video: Video,
    goal: str,
    budget_cents: int,
    duration_days: int,
    audience: str = Promotion.Audience.AUTOMATIC,
    regions: Iterable[str] = (),
    topic_slugs: Iterable[str] = (),
    age_bands: Iterable[str] = (),
) -> Promotion:
    """A draft promotion at today's published price; rejected input writes nothing."""
    business_user_check(user=business.creator.user)
    errors: dict[str, str] = {}
    problem = video_promotable_problem(video=video, business=business)
    if problem:
        errors["video"] = problem
    if goal not in Promotion.Goal.values:
        errors["goal"] = _("Choose a goal.")
    codes, topics, bands, offer_errors = offer_clean(
        audience=audience,
        budget_cents=budget_cents,
        duration_days=duration_days,
        regions=regions,
        topic_slugs=topic_slugs,
        age_bands=age_bands,
    )
    errors.update(offer_errors)
    if errors:
        raise ValidationError(errors)
    # The published price today; the promotion keeps it whatever the price table says later.
    cpm_cents, currency = price_for(audience=audience)
    promotion = Promotion.objects.create(
        business=business,
        video=video,
        goal=goal,
        audience=audience,
        regions=codes,
        age_bands=bands,
        budget_cents=budget_cents,
        currency=currency,
        duration_days=duration_days,
        cpm_cents=cpm_cents,
    )
    promotion.topics.set(topics)
    return promotion


def promotion_move(
    *,
    promotion: Promotion,
    to: str,
    reason: str = "",
    actor: User | None = None,
    detail: dict[str, Any] | None = None,
) -> Promotion:
    """The only writer of ``Promotion.state``: checks the move against ``rules.TRANSITIONS`` and audits it.

    The caller holds the promotion's row lock inside its transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("promotion_move runs inside the caller's transaction.")
    if not may_move(current=promotion.state, to=to):
        raise Conflict(f"A promotion that is {promotion.get_state_display().lower()} cannot become {to}.")
    previous = promotion.state
    promotion.state = to
    promotion.state_reason = reason
    promotion.save(update_fields=["state", "state_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=f"promotion.{to}",
        target=promotion,
        detail={"from": previous, "reason": reason, **(detail or {})},
    )
    return promotion


def promotion_locked(*, promotion: Promotion) -> Promotion:
    return (
        Promotion.objects.select_for_update()
        .select_related("business__creator__user", "video")
        .get(pk=promotion.pk)
    )
