"""``{% business_links as business %}``: the business dashboard's entries for the header and settings
(``business.home_url`` for a business account, ``business.become_url`` for an adult creator without one)."""

from typing import Any

from django import template

from businesses.links import NONE, BusinessLinks, business_links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def business_links(context: dict[str, Any]) -> BusinessLinks:
    request = context.get("request")
    return business_links_for(request) if request is not None else NONE
