"""The rules of promotions that need no database: states and their moves, and the published price.

Services feed these with plain values; their tests need no database.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class PromotionState(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    AWAITING_PAYMENT = "awaiting_payment", gettext_lazy("Awaiting payment")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    ACTIVE = "active", gettext_lazy("Active")
    PAUSED = "paused", gettext_lazy("Paused")
    COMPLETED = "completed", gettext_lazy("Completed")
    REJECTED = "rejected", gettext_lazy("Rejected")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


_S = PromotionState
# Every move a promotion may make; ``services.promotions`` is the only writer of the state.
TRANSITIONS: dict[PromotionState, frozenset[PromotionState]] = {
    _S.DRAFT: frozenset({_S.AWAITING_PAYMENT, _S.CANCELLED}),
    _S.AWAITING_PAYMENT: frozenset({_S.IN_REVIEW, _S.CANCELLED}),
    _S.IN_REVIEW: frozenset({_S.ACTIVE, _S.REJECTED, _S.CANCELLED}),
    _S.ACTIVE: frozenset({_S.PAUSED, _S.COMPLETED, _S.CANCELLED}),
    _S.PAUSED: frozenset({_S.ACTIVE, _S.COMPLETED, _S.CANCELLED}),
    _S.COMPLETED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.CANCELLED: frozenset(),
}


def may_move(*, current: str, to: str) -> bool:
    return PromotionState(to) in TRANSITIONS[PromotionState(current)]


class AdultAgeBand(models.TextChoices):
    """The only age bands a promotion may target: adults. There is no band for minors to choose."""

    AGE_18_24 = "18_24", "18–24"
    AGE_25_34 = "25_34", "25–34"
    AGE_35_54 = "35_54", "35–54"
    AGE_55_PLUS = "55_plus", "55+"


def estimated_impressions(*, budget_cents: int, cpm_cents: int) -> int:
    """Sponsored impressions the budget buys at the published price per 1,000 (rounded down)."""
    if cpm_cents <= 0:
        raise ValueError("The price per 1,000 impressions must be positive.")
    return budget_cents * 1000 // cpm_cents


def money_format(*, cents: int, currency: str) -> str:
    """ "12.50 EUR": exact, from integer minor units (every supported currency has two decimals)."""
    return f"{money_amount(cents=cents)} {currency.upper()}"


def money_amount(*, cents: int) -> str:
    """ "1,012.50" ("1.012,50" in German): the number of ``money_format`` alone, for a column headed with
    its currency; exact, from integer minor units, in the active language's separators."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return sign + number_format(f"{whole}.{part:02d}", decimal_pos=2, force_grouping=True)


def number_local(value: int) -> str:
    """A whole number as the active language writes it: 4,166 in English, 4.166 in German."""
    return number_format(value, force_grouping=True)


# What a ratio with nothing to divide by reads as on the results page.
NOTHING_YET = "—"


def result_cost_cents(*, spent_cents: int, results: int) -> int | None:
    """What one result cost, in cents rounded half up; None before the first result."""
    if results <= 0:
        return None
    return (2 * spent_cents + results) // (2 * results)


def share_format(*, part: int, whole: int) -> str:
    """ "2.5%": ``part`` of ``whole`` to one decimal, or "—" when ``whole`` is zero."""
    if whole <= 0:
        return NOTHING_YET
    return number_format(f"{100 * part / whole:.1f}", decimal_pos=1) + "%"


def seconds_format(*, seconds: float, per: int) -> str:
    """ "4.2 s": ``seconds`` shared out ``per`` (e.g. watch time per view), or "—" when ``per`` is zero."""
    if per <= 0:
        return NOTHING_YET
    return number_format(f"{seconds / per:.1f}", decimal_pos=1) + " s"


# Adult age bands by completed years: (band, first year, first year of the next band).
_ADULT_BAND_YEARS = (
    (AdultAgeBand.AGE_18_24, 18, 25),
    (AdultAgeBand.AGE_25_34, 25, 35),
    (AdultAgeBand.AGE_35_54, 35, 55),
    (AdultAgeBand.AGE_55_PLUS, 55, 1000),
)


def adult_band(years: int | None) -> AdultAgeBand | None:
    """The targeting band of an age; None for a minor or an unknown age, who are never targeted."""
    if years is None:
        return None
    for band, first, after in _ADULT_BAND_YEARS:
        if first <= years < after:
            return band
    return None


def adult_band_years(band: str) -> tuple[int, int]:
    """The completed years ``[first, after)`` of an adult band."""
    for known, first, after in _ADULT_BAND_YEARS:
        if known == band:
            return first, after
    raise ValueError(f"Not an adult age band: {band!r}")


def refund_due_cents(*, paid_cents: int, spent_cents: int, refunded_cents: int) -> int:
    """What goes back to the business: what it paid and has not spent, less what was already refunded."""
    return max(0, min(paid_cents - spent_cents, paid_cents - refunded_cents))


def spend_for(*, impressions: int, cpm_cents: int) -> int:
    """What ``impressions`` cost at ``cpm_cents`` per 1,000, in whole cents rounded down (the business's
    favour); the same arithmetic as the charging UPDATE, so the two never disagree."""
    return impressions * cpm_cents // 1000


def even_spend_share(*, starts: float, ends: float, now: float) -> float:
    """The share of its budget a promotion should have spent by ``now`` (timestamps) to spend evenly."""
    if ends <= starts:
        return 1.0
    return min(1.0, max(0.0, (now - starts) / (ends - starts)))


def even_spend_line(*, budget_cents: int, starts: float, ends: float, now: float) -> float:
    """What a promotion should have spent by ``now`` (timestamps) to spend its budget evenly."""
    return budget_cents * even_spend_share(starts=starts, ends=ends, now=now)


# An account younger than this is not charged for: fake adult accounts are made in seconds.
CHARGEABLE_ACCOUNT_AGE = datetime.timedelta(days=1)


def account_old_enough_to_charge(*, joined_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now - joined_at >= CHARGEABLE_ACCOUNT_AGE


def budget_takes_one_more(*, impressions: int, cpm_cents: int, budget_cents: int) -> bool:
    """Whether one more impression stays within the budget: the charging UPDATE's own condition."""
    return (impressions + 1) * cpm_cents <= budget_cents * 1000


def pacing_deficit(
    *, spent_cents: float, budget_cents: int, cpm_cents: int, starts: float, ends: float, now: float
) -> float | None:
    """How far behind its even-spend line a promotion is, as a share of its budget; None when it may not
    take one more impression now (it is ahead of the line, or the impression would overspend)."""
    if spent_cents + cpm_cents / 1000 > budget_cents:
        return None
    deficit = even_spend_share(starts=starts, ends=ends, now=now) - spent_cents / budget_cents
    return deficit if deficit >= 0 else None


# Activity is read over this many days of signals; a person active on ``a`` of them is expected to open
# the app on ``a / ACTIVITY_DAYS`` of a promotion's days.
ACTIVITY_DAYS = 28


class BudgetPer(models.TextChoices):
    """How the business typed its budget: for the whole promotion, or for each of its days."""

    TOTAL = "total", gettext_lazy("Total")
    DAY = "day", gettext_lazy("Per day")


def budget_total_cents(*, amount_cents: int, per: str, duration_days: int) -> int:
    """The promotion's total budget: a daily budget times the days, a total as it is."""
    if per == BudgetPer.DAY:
        return amount_cents * duration_days
    return amount_cents


@dataclass(frozen=True, slots=True)
class DeliveryEstimate:
    """What a budget can really buy from an audience, as serving delivers it.

    Serving shows a promotion to one person at most ``frequency_cap`` times a day, and only on days
    they open the app; charging takes only impressions within the budget; what is not spent is
    refunded when the promotion ends."""

    audience: int  # matching people active in the last ACTIVITY_DAYS days
    bought: int  # impressions the budget pays for at the price
    ceiling: int  # audience × cap × days: more can never be served
    impressions_low: int  # about this many, if each person sees it once on each day they open the app
    impressions_high: int  # …or up to the cap on each of those days
    reach_low: int
    reach_high: int
    budget_cents: int
    spendable_cents: int  # what ``impressions_high`` costs: the most this audience is expected to take
    unspent_cents: int  # the rest of the budget, refunded at the end

    @property
    def is_budget_too_big(self) -> bool:
        return self.unspent_cents > 0


def delivery_estimate(
    *,
    activity: Mapping[int, int],
    budget_cents: int,
    cpm_cents: int,
    duration_days: int,
    frequency_cap: int,
) -> DeliveryEstimate:
    """Impressions and people a promotion may reach, from its audience's activity.

    ``activity`` maps days active out of the last ``ACTIVITY_DAYS`` (1 to 28) to how many matching
    people were active that often. A person active on ``a`` days is expected on ``D × a / 28`` of the
    promotion's ``D`` days, sees it once to ``frequency_cap`` times on each, and is reached at all with
    the chance of opening the app on at least one of them."""
    days, cap = max(1, duration_days), max(1, frequency_cap)
    bought = estimated_impressions(budget_cents=budget_cents, cpm_cents=cpm_cents)
    groups = sorted(
        ((min(ACTIVITY_DAYS, max(1, a)), people) for a, people in activity.items() if people > 0),
        reverse=True,
    )
    audience = sum(people for _, people in groups)
    expected_days = {a: days * a / ACTIVITY_DAYS for a, _ in groups}
    once_a_day = sum(people * expected_days[a] for a, people in groups)
    at_the_cap = cap * once_a_day
    likely_people = sum(people * (1 - (1 - a / ACTIVITY_DAYS) ** days) for a, people in groups)
    impressions_low = min(bought, int(once_a_day))
    impressions_high = min(bought, int(at_the_cap))
    reach_high = min(int(likely_people + 0.5), impressions_high)
    # When the audience, not the budget, is the limit, everyone likely to open the app is reached.
    # Else at least as many as would take the views seeing it once on every day they open the app.
    fewest = _fewest_people(groups, expected_days, impressions=impressions_low)
    reach_low = reach_high if bought >= once_a_day else min(reach_high, fewest)
    spendable = min(budget_cents, spend_for(impressions=impressions_high, cpm_cents=cpm_cents))
    # Within a cent of the budget is "all of it": the charging rounds each impression down.
    unspent = budget_cents - spendable if impressions_high < bought else 0
    return DeliveryEstimate(
        audience=audience,
        bought=bought,
        ceiling=audience * cap * days,
        impressions_low=impressions_low,
        impressions_high=impressions_high,
        reach_low=reach_low,
        reach_high=reach_high,
        budget_cents=budget_cents,
        spendable_cents=spendable,
        unspent_cents=unspent,
    )


def _fewest_people(
    groups: Sequence[tuple[int, int]], expected_days: Mapping[int, float], *, impressions: int
) -> int:
    """The fewest people who would take ``impressions`` seeing it once on every day they are expected
    (the most active first: the same regulars come back day after day)."""
    people_so_far, left = 0, float(impressions)
    for a, people in groups:  # most active first
        each = expected_days[a]
        if left <= people * each:
            return people_so_far + math.ceil(left / each) if left > 0 else people_so_far
        people_so_far += people
        left -= people * each
    return people_so_far


def estimate_sentences(
    *, estimate: DeliveryEstimate, duration_days: int, frequency_cap: int, currency: str
) -> list[str]:
    """The estimate in plain words: what to expect, and when the audience is too small for the budget,
    what the budget really buys and what happens to the rest."""
    number = number_local
    days = ngettext("%(count)s day", "%(count)s days", duration_days) % {"count": number(duration_days)}
    if estimate.audience == 0:
        return [
            _(
                "No adult viewers active in the last 28 days match this audience yet, so it would spend nothing "
                "(an unspent budget is refunded when the promotion ends)."
            )
        ]
    people = f"{number(estimate.reach_low)}–{number(estimate.reach_high)}"
    views = f"{number(estimate.impressions_low)}–{number(estimate.impressions_high)}"
    if estimate.impressions_low == estimate.impressions_high:
        views = _("about %(count)s") % {"count": number(estimate.impressions_high)}
    if estimate.reach_low == estimate.reach_high:
        people = _("about %(count)s") % {"count": number(estimate.reach_high)}
    headline = ngettext(
        "Estimated reach: %(people)s person, %(views)s sponsored views in %(days)s.",
        "Estimated reach: %(people)s people, %(views)s sponsored views in %(days)s.",
        estimate.reach_high,
    ) % {"people": people, "views": views, "days": days}
    if estimate.reach_high == 0:
        headline = _(
            "Estimated reach: these people rarely open the app; likely nobody sees it in %(days)s."
        ) % {"days": days}
    sentences = [
        headline,
        ngettext(
            "%(count)s matching adult opened the app in the last 28 days; "
            "each sees a promotion at most %(cap)s times a day.",
            "%(count)s matching adults opened the app in the last 28 days; "
            "each sees a promotion at most %(cap)s times a day.",
            estimate.audience,
        )
        % {"count": number(estimate.audience), "cap": number(frequency_cap)},
    ]
    if estimate.is_budget_too_big:
        sentences.append(
            _(
                "This audience is too small for the budget: it can take at most %(views)s sponsored views in "
                "%(days)s ≈ %(spendable)s of the %(budget)s. The rest (%(unspent)s) would not be spent and is "
                "refunded when the promotion ends. Choose a wider audience, more days or a smaller budget."
            )
            % {
                "views": number(estimate.impressions_high),
                "days": days,
                "spendable": money_format(cents=estimate.spendable_cents, currency=currency),
                "budget": money_format(cents=estimate.budget_cents, currency=currency),
                "unspent": money_format(cents=estimate.unspent_cents, currency=currency),
            }
        )
    return sentences
