"""The studio's "publish now or at a time" form, read in the creator's time zone (the rules are in
``creators.services.scheduling``)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from creators.models import CreatorProfile, Video
from platform import age

NOW, LATER = "now", "later"
# What <input type="datetime-local"> sends (seconds only when the browser adds them).
_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ScheduleForm(forms.Form):
    """When to publish: now, or at a wall-clock time in ``zone`` (the creator's time zone)."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[(NOW, _("Publish now")), (LATER, _("Schedule"))],
        initial=NOW,
        required=False,  # a form without the choice (an older page) publishes now
        widget=forms.RadioSelect,
    )
    publish_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        input_formats=_LOCAL_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["publish_at"].help_text = _("In your time zone, %(zone)s.") % {"zone": zone.key}

    def clean_publish_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("publish_at")
        if value is None:
            return None
        # The browser sends a wall-clock time; Django made it aware in the site's zone, not the creator's.
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == LATER and data.get("publish_at") is None and "publish_at" not in self.errors:
            self.add_error("publish_at", _("Choose the date and time to publish."))
        return data

    def chosen_time(self) -> datetime.datetime | None:
        """The chosen time, or None to publish now; only after ``is_valid()``."""
        if self.cleaned_data.get("when") != LATER:
            return None
        value: datetime.datetime | None = self.cleaned_data.get("publish_at")
        return value


def schedule_form(*, creator: CreatorProfile, data: Any = None) -> ScheduleForm:
    return ScheduleForm(data, zone=age.user_zone(creator.user), prefix="schedule")


def time_label(value: datetime.datetime, *, creator: CreatorProfile) -> str:
    """A time as the creator reads it: on their clock, in the language's format."""
    return date_format(value.astimezone(age.user_zone(creator.user)), "DATETIME_FORMAT")


def schedule_labels(*, video: Video, creator: CreatorProfile) -> dict[str, str]:
    """A scheduled video's time on the creator's clock: as a sentence shows it and as a
    datetime-local input takes it (formatted here: templates would convert it to the site's zone)."""
    if video.scheduled_at is None:
        return {"scheduled_label": "", "scheduled_input": ""}
    local = video.scheduled_at.astimezone(age.user_zone(creator.user))
    return {
        "scheduled_label": time_label(video.scheduled_at, creator=creator),
        "scheduled_input": local.strftime("%Y-%m-%dT%H:%M"),
    }


def zone_name(*, creator: CreatorProfile) -> str:
    return age.user_zone(creator.user).key
