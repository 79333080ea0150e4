"""Studio forms. They parse input only; rules live in ``creators.services``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creators import captions
from creators.models import Topic, Video
from platform.guidelines import Guideline


class CreatorProfileForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=31,
        help_text=_("Your address on Joyreel: joyreel/@handle. Letters, digits, _ and ."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    bio = forms.CharField(
        label=_("Bio"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Up to 5 web addresses, one per line."),
    )

    def __init__(self, *args: Any, handle_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if handle_locked:
            self.fields["handle"].disabled = True
            self.fields["handle"].help_text = _("Handles can't be changed.")

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class CaptionUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=list(captions.LANGUAGES.items()))
    file = forms.FileField(
        label=_("Caption file"),
        help_text=_("WebVTT (.vtt) or SubRip (.srt), up to 256 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )


class CoverForm(forms.Form):
    seconds = forms.FloatField(label=_("Frame at (s)"), required=False)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Avatar"),
        help_text=_("A JPEG, PNG, WebP or GIF up to 5 MB; we crop it to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Video file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "video/mp4,video/quicktime,video/webm,video/x-matroska"}
        ),
    )


class VideoDetailsForm(forms.Form):
    caption = forms.CharField(
        label=_("Caption"),
        required=False,
        max_length=2200,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("Write what viewers will read, e.g. “Sourdough in 60 seconds #baking”"),
            }
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("STEM and News appear in their feeds after a reviewer approves."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Video.Visibility.choices)
    content_level = forms.ChoiceField(choices=Video.ContentLevel.choices, label=_("Content level"))


class TrimForm(forms.Form):
    start = forms.FloatField(
        label=_("Start (s)"), min_value=0, widget=forms.NumberInput(attrs={"step": "0.001"})
    )
    end = forms.FloatField(label=_("End (s)"), min_value=0, widget=forms.NumberInput(attrs={"step": "0.001"}))


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=_("Why is this decision wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A different moderator reads your appeal and tells you the outcome."),
    )


class DecisionForm(forms.Form):
    """A moderator's decision in the admin: the statement of reasons the person will read."""

    guideline = forms.ChoiceField(
        label=_("Guideline"), required=False, help_text=_("Leave empty to use the reason the reports give.")
    )
    facts = forms.CharField(
        label=_("Facts"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("What was found and why it breaks the guideline: the person reads this."),
    )
    days = forms.IntegerField(
        label=_("Days"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Suspensions only: how many days."),
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
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Why: the person who appealed reads this."),
    )
