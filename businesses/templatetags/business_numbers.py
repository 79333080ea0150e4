"""``{% load business_numbers %}``: the results' and dashboard's figures in the page's language."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def figure(value: int | None) -> str:
    """A count as a figure: German groups its thousands (4.166); English keeps the bare figure the pages
    have always shown (4166), which the results' readers and their exports compare against."""
    if value is None:
        return ""
    language = get_language() or "en"
    return number_format(value, force_grouping=not language.startswith("en"))
