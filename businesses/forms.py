"""Forms of the businesses pages. They parse input only; the rules live in ``businesses.services``."""

from django import forms
from django_countries import countries

from businesses.models import BusinessProfile


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((str(code), str(name)) for code, name in countries)]


class BusinessProfileForm(forms.Form):
    legal_name = forms.CharField(
        max_length=120, label="Legal name", widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    category = forms.ChoiceField(choices=[("", "—"), *BusinessProfile.Category.choices])
    country = forms.ChoiceField(choices=_country_choices)
    region = forms.CharField(
        max_length=100,
        help_text="The state, province or region the business is in.",
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off"}),
    )
    website = forms.URLField(
        required=False,
        max_length=300,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
