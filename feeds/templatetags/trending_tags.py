"""``{% trending_tags %}``: the trending hashtags of the viewer's region (as the rollup ranked them)."""

from typing import Any

from django import template

from feeds.tags.selectors import hashtags_trending
from platform.regions import region_name
from platform.viewer import viewer_of

register = template.Library()


@register.inclusion_tag("feeds/_trending_tags.html", takes_context=True)
def trending_tags(context: template.Context, limit: int = 10, exclude: str = "") -> dict[str, Any]:
    """One query: the rollup's list for the viewer's region, or everywhere's when it has none."""
    request = context.get("request")
    region = viewer_of(request).region if request is not None else ""
    answered, trending = hashtags_trending(region=region, limit=limit + 1)
    return {
        "trending": [entry for entry in trending if entry.name != exclude][:limit],
        "trending_region_name": region_name(answered) if answered else "",
    }
