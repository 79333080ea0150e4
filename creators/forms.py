"""Studio forms. They parse input only; rules live in ``creators.services``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creators import captions
from creators.models import Topic, Video
from platform.guidelines import Guideline


class CreatorProfileForm(forms.Form):
    handle = forms.CharField(
        max_length=31, help_text="Your address on Joyreel: joyreel/@handle. Letters, digits, _ and ."
    )
    display_name = forms.CharField(max_length=50)
    bio = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    links = forms.CharField(
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Up to 5 web addresses, one per line.",
    )

    def __init__(self, *args: Any, handle_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if handle_locked:
            self.fields["handle"].disabled = True
            self.fields["handle"].help_text = "Handles can't be changed."

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class CaptionUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=list(captions.LANGUAGES.items()))
    file = forms.FileField(
        label=_("Caption file"),
        help_text=_("WebVTT (.vtt) or SubRip (.srt), up to 256 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        help_text="A JPEG, PNG, WebP or GIF up to 5 MB; we crop it to a square.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Video file",
        widget=forms.ClearableFileInput(
            attrs={"accept": "video/mp4,video/quicktime,video/webm,video/x-matroska"}
        ),
    )


class VideoDetailsForm(forms.Form):
    caption = forms.CharField(
        required=False,
        max_length=2200,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "Write what viewers will read, e.g. “Sourdough in 60 seconds #baking”",
            }
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="STEM and News appear in their feeds after a reviewer approves.",
    )
    visibility = forms.ChoiceField(choices=Video.Visibility.choices)
    content_level = forms.ChoiceField(choices=Video.ContentLevel.choices, label="Content level")


class TrimForm(forms.Form):
    start = forms.FloatField(min_value=0, widget=forms.NumberInput(attrs={"step": "0.001"}))
    end = forms.FloatField(min_value=0, widget=forms.NumberInput(attrs={"step": "0.001"}))


class AppealForm(forms.Form):
    statement = forms.CharField(
        label="Why is this decision wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A different moderator reads your appeal and tells you the outcome.",
    )


class DecisionForm(forms.Form):
    """A moderator's decision in the admin: the statement of reasons the person will read."""

    guideline = forms.ChoiceField(required=False, help_text="Leave empty to use the reason the reports give.")
    facts = forms.CharField(
        label="Facts",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="What was found and why it breaks the guideline: the person reads this.",
    )
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, help_text="Suspensions only: how many days."
    )

    def __init__(
        self,
        *args: Any,
        guideline_required: bool = False,
        facts_required: bool = True,
        ask_days: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guideline"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *Guideline.choices]
        if guideline_required:
            field.required = True
            field.help_text = ""
        self.fields["facts"].required = facts_required
        if not ask_days:
            del self.fields["days"]


class AppealDecisionForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Why: the person who appealed reads this.",
    )
