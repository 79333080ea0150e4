"""Forms of the businesses pages. They parse input only; the rules live in ``businesses.services``."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django_countries import countries

from businesses.models import BusinessProfile, Promotion
from businesses.rules import AdultAgeBand
from creators.models import Topic, Video


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


class PromotionForm(forms.Form):
    """A promotion in the words of a small-business owner; the budget is typed in currency units."""

    video = forms.ChoiceField(label="Video to promote")
    goal = forms.ChoiceField(choices=Promotion.Goal.choices, widget=forms.RadioSelect, initial="video_views")
    audience = forms.ChoiceField(
        choices=Promotion.Audience.choices, widget=forms.RadioSelect, initial=Promotion.Audience.AUTOMATIC
    )
    regions = forms.CharField(
        required=False,
        max_length=300,
        label="Regions (custom audience)",
        help_text="Region codes separated by commas, e.g. DE-BY, DE-BE. Empty: everywhere.",
    )
    topics = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Interests (custom audience)"
    )
    age_bands = forms.MultipleChoiceField(
        required=False,
        choices=AdultAgeBand.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Age groups (custom audience, adults only)",
    )
    budget = forms.DecimalField(max_digits=9, decimal_places=2, label="Total budget")
    duration_days = forms.IntegerField(label="Duration in days", initial=7)

    def __init__(self, *args: Any, videos: Iterable[Video], currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        video_field, topics_field = self.fields["video"], self.fields["topics"]
        assert isinstance(video_field, forms.ChoiceField)
        assert isinstance(topics_field, forms.ChoiceField)
        video_field.choices = [
            (str(video.public_id), video.caption[:60] or "Untitled video") for video in videos
        ]
        topics_field.choices = [(topic.slug, topic.name) for topic in Topic.objects.all()]
        self.fields["budget"].label = f"Total budget ({currency.upper()})"

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "goal": data["goal"],
            "audience": data["audience"],
            "regions": [code for code in (part.strip() for part in data["regions"].split(",")) if code],
            "topic_slugs": data["topics"],
            "age_bands": data["age_bands"],
            # Exact: two decimal places times 100 is a whole number of cents, never a float.
            "budget_cents": int(data["budget"] * 100),
            "duration_days": data["duration_days"],
        }
