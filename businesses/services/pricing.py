"""The published price per 1,000 sponsored impressions: the admin's price table, or settings without a row.

A promotion copies the price when it is made, so changing the table never changes what a promotion costs.
Every change to the table is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from businesses.models import Promotion, PromotionPrice
from businesses.rules import money_format
from platform.models import User
from platform.services import audit_record


@dataclass(frozen=True, slots=True)
class PublishedPrice:
    audience: str
    label: str
    cpm_cents: int
    currency: str

    @property
    def display(self) -> str:
        return money_format(cents=self.cpm_cents, currency=self.currency)


def _settings_price(audience: str) -> tuple[int, str]:
    if audience == Promotion.Audience.CUSTOM:
        return settings.PROMOTION_CPM_CUSTOM_CENTS, settings.PROMOTION_CURRENCY
    if audience == Promotion.Audience.AUTOMATIC:
        return settings.PROMOTION_CPM_CENTS, settings.PROMOTION_CURRENCY
    raise ValueError(f"Not an audience: {audience!r}")


def price_for(*, audience: str) -> tuple[int, str]:
    """(cpm_cents, currency) published today for this audience: the price table's row, else settings."""
    row = PromotionPrice.objects.filter(audience=audience).values_list("cpm_cents", "currency").first()
    if row is not None:
        return row
    return _settings_price(audience)


def prices_published() -> list[PublishedPrice]:
    """Today's price for every audience, in one query, as the new-promotion page and the API show them."""
    rows = {
        audience: (cpm_cents, currency)
        for audience, cpm_cents, currency in PromotionPrice.objects.values_list(
            "audience", "cpm_cents", "currency"
        )
    }
    prices = []
    for audience, label in Promotion.Audience.choices:
        cpm_cents, currency = rows.get(audience) or _settings_price(audience)
        prices.append(
            PublishedPrice(audience=audience, label=str(label), cpm_cents=cpm_cents, currency=currency)
        )
    return prices


def price_check(*, audience: str, cpm_cents: int, currency: str) -> None:
    """A price the table may hold: a known audience, a positive whole price, in the site's currency
    (budgets, their limits and payments are all in ``PROMOTION_CURRENCY``)."""
    errors: dict[str, str] = {}
    if audience not in Promotion.Audience.values:
        errors["audience"] = _("Choose an automatic or a custom audience.")
    if not isinstance(cpm_cents, int) or isinstance(cpm_cents, bool) or cpm_cents <= 0:
        errors["cpm_cents"] = _("The price is a positive whole number of cents.")
    if currency.lower() != settings.PROMOTION_CURRENCY.lower():
        errors["currency"] = _("Prices are in %(currency)s, the currency budgets are paid in.") % {
            "currency": settings.PROMOTION_CURRENCY.upper()
        }
    if errors:
        raise ValidationError(errors)


def _as_record(row: PromotionPrice | None) -> dict[str, object] | None:
    return None if row is None else {"cpm_cents": row.cpm_cents, "currency": row.currency}


@transaction.atomic
def promotion_price_set(
    *, audience: str, cpm_cents: int, currency: str, actor: User | None
) -> PromotionPrice:
    """Publish a new price for an audience (from now on; existing promotions keep theirs); audited."""
    price_check(audience=audience, cpm_cents=cpm_cents, currency=currency)
    row = PromotionPrice.objects.select_for_update().filter(audience=audience).first()
    before = _as_record(row)
    if row is None:
        row = PromotionPrice(audience=audience)
    row.cpm_cents, row.currency = cpm_cents, settings.PROMOTION_CURRENCY.lower()
    row.save()
    audit_record(
        actor=actor,
        action="promotion_price.set",
        target=row,
        detail={"audience": audience, "from": before, "to": _as_record(row)},
    )
    return row


@transaction.atomic
def promotion_price_delete(*, price: PromotionPrice, actor: User | None) -> None:
    """Remove an audience's row: its price falls back to settings from now on; audited."""
    row = PromotionPrice.objects.select_for_update().filter(pk=price.pk).first()
    if row is None:
        return
    fallback, currency = _settings_price(row.audience)
    audit_record(
        actor=actor,
        action="promotion_price.delete",
        target=row,
        detail={
            "audience": row.audience,
            "from": _as_record(row),
            "to": {"cpm_cents": fallback, "currency": currency, "source": "settings"},
        },
    )
    row.delete()
