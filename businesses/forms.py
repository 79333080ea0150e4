"""Forms of the businesses pages. They parse input only; the rules live in ``businesses.services``."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from businesses.models import BusinessProfile, Promotion
from businesses.rules import AdultAgeBand, BudgetPer, budget_total_cents
from creators.models import Topic, Video


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((str(code), str(name)) for code, name in countries)]


class BusinessProfileForm(forms.Form):
    legal_name = forms.CharField(
        max_length=120,
        label=gettext_lazy("Legal name"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    category = forms.ChoiceField(
        choices=[("", "—"), *BusinessProfile.Category.choices], label=gettext_lazy("Category")
    )
    country = forms.ChoiceField(choices=_country_choices, label=gettext_lazy("Country"))
    region = forms.CharField(
        max_length=100,
        label=gettext_lazy("Region"),
        help_text=gettext_lazy("The state, province or region the business is in."),
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off"}),
    )
    website = forms.URLField(
        required=False,
        max_length=300,
        assume_scheme="https",
        label=gettext_lazy("Website"),
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )


GOAL_DESCRIPTIONS = {
    Promotion.Goal.VIDEO_VIEWS: gettext_lazy("Show the video to more people likely to watch it."),
    Promotion.Goal.PROFILE_VISITS: gettext_lazy(
        "A button on the video takes viewers to your profile and your other videos."
    ),
    Promotion.Goal.WEBSITE_VISITS: gettext_lazy("A button on the video takes viewers to your website."),
}
AUDIENCE_DESCRIPTIONS = {
    Promotion.Audience.AUTOMATIC: gettext_lazy("We choose adults likely to enjoy it, from what they watch."),
    Promotion.Audience.CUSTOM: gettext_lazy("You choose regions, interests and age groups (adults only)."),
}
BUDGET_PER_DESCRIPTIONS = {
    BudgetPer.TOTAL: gettext_lazy("For the whole promotion."),
    BudgetPer.DAY: gettext_lazy("For each day; times the days is the total."),
}


class PromotionForm(forms.Form):
    """A promotion in the words of a small-business owner; the budget is typed in currency units, as a
    total or per day (the promotion keeps the total)."""

    video = forms.ChoiceField(label=gettext_lazy("Video to promote"))
    goal = forms.ChoiceField(
        choices=Promotion.Goal.choices,
        widget=forms.RadioSelect,
        initial="video_views",
        label=gettext_lazy("Goal"),
    )
    # Short names: the sentence under each says what it means.
    audience = forms.ChoiceField(
        choices=[
            (Promotion.Audience.AUTOMATIC, gettext_lazy("Automatic")),
            (Promotion.Audience.CUSTOM, gettext_lazy("Custom")),
        ],
        label=gettext_lazy("Audience"),
        widget=forms.RadioSelect,
        initial=Promotion.Audience.AUTOMATIC,
    )
    regions = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("Regions"),
        help_text=gettext_lazy("Region codes separated by commas, e.g. DE-BY, DE-BE. Empty: everywhere."),
    )
    topics = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Interests")
    )
    age_bands = forms.MultipleChoiceField(
        required=False,
        choices=AdultAgeBand.choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Age groups (adults only)"),
    )
    budget_per = forms.ChoiceField(
        choices=BudgetPer.choices,
        widget=forms.RadioSelect,
        initial=BudgetPer.TOTAL,
        required=False,
        label=gettext_lazy("Budget type"),
    )
    budget = forms.DecimalField(max_digits=9, decimal_places=2, label=gettext_lazy("Budget"))
    duration_days = forms.IntegerField(label=gettext_lazy("Duration in days"), initial=7)

    def __init__(self, *args: Any, videos: Iterable[Video], currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        video_field, topics_field = self.fields["video"], self.fields["topics"]
        assert isinstance(video_field, forms.ChoiceField)
        assert isinstance(topics_field, forms.ChoiceField)
        video_field.choices = [
            (str(video.public_id), video.caption[:60] or _("Untitled video")) for video in videos
        ]
        topics_field.choices = [(topic.slug, topic.name) for topic in Topic.objects.all()]
        self.fields["budget"].label = _("Budget (%(currency)s)") % {"currency": currency.upper()}

    def _options(self, name: str, descriptions: dict[Any, Any]) -> list[tuple[Any, str]]:
        return [(option, str(descriptions.get(option.data["value"], ""))) for option in self[name]]

    def goal_options(self) -> list[tuple[Any, str]]:
        """Each goal's radio button with a sentence on what it buys."""
        return self._options("goal", GOAL_DESCRIPTIONS)

    def audience_options(self) -> list[tuple[Any, str]]:
        return self._options("audience", AUDIENCE_DESCRIPTIONS)

    def budget_per_options(self) -> list[tuple[Any, str]]:
        return self._options("budget_per", BUDGET_PER_DESCRIPTIONS)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "goal": data["goal"],
            "audience": data["audience"],
            "regions": [code for code in (part.strip() for part in data["regions"].split(",")) if code],
            "topic_slugs": data["topics"],
            "age_bands": data["age_bands"],
            # Exact: two decimal places times 100 is a whole number of cents, never a float.
            "budget_cents": budget_total_cents(
                amount_cents=int(data["budget"] * 100),
                per=data["budget_per"] or BudgetPer.TOTAL,
                duration_days=data["duration_days"],
            ),
            "duration_days": data["duration_days"],
        }
