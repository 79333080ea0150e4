"""Forms of the core app. They parse input only; the rules live in ``platform.services``."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise

from platform import age, family
from platform.languages import in_language_of
from platform.models import User


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((str(code), str(name)) for code, name in countries)]


class DateOfBirthInput(forms.DateInput):
    """A plain date box: no pre-filled date and no hint of which answer gets in."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PlaceFieldsMixin(forms.Form):
    country = forms.TypedChoiceField(label=_("Country"), choices=_country_choices, required=False)
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=100,
        help_text=_("Optional: your state, province or region, for the Local feed."),
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off"}),
    )


def _language_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("The browser's language")), *settings.LANGUAGES]


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in age.time_zone_names()]


class BrowserTimeZoneField(forms.CharField):
    """The sign-up page's hidden time zone, filled from the browser's by ``static/js/timezone.js``.
    The person never sees it, so anything unknown (no JavaScript, an odd browser) quietly means UTC;
    they can choose another in their account settings."""

    def __init__(self) -> None:
        super().__init__(
            required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-time-zone": ""})
        )

    def clean(self, value: Any) -> str:
        name = str(super().clean(value) or "")
        return name if name in age.time_zone_names() else "UTC"


class SignUpForm(PlaceFieldsMixin, forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(
        label=_("Display name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "nickname"})
    )
    date_of_birth = forms.DateField(widget=DateOfBirthInput(), label=_("Date of birth"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common or all-numeric password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = BrowserTimeZoneField()

    field_order = ["email", "display_name", "date_of_birth", "country", "region", "password1", "password2"]

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        problem = age.date_of_birth_problem(date_of_birth=value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class AccountSettingsForm(PlaceFieldsMixin, forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    is_private = forms.BooleanField(
        required=False,
        label=_("Private account"),
        help_text=_("Only followers you approve see your profile and videos."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        # Place names of the IANA database, the same in every language.
        widget=forms.Select(attrs={"translate": "no"}),
        required=False,  # left out, it stays as it is
        help_text=_("Quiet hours and screen-time days follow your local time."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=_language_choices,
        required=False,
        help_text=_("Pages, emails and notifications come in this language."),
    )
    wants_email_notifications = forms.BooleanField(
        required=False,
        label=_("Email me my notifications"),
        help_text=_(
            "One email with what is new (never in an under-18's quiet hours); they always show in the app."
        ),
    )
    field_order = [
        "display_name",
        "country",
        "region",
        "is_private",
        "time_zone",
        "language",
        "wants_email_notifications",
    ]


class EmailAuthenticationForm(AuthenticationForm):
    """Django's log-in form; its one error message never says whether the email exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})


class AccountLanguagePasswordResetForm(PasswordResetForm):
    """Django's reset form, its email written in the account's language: whoever asks (any browser may
    type any address), the mail reaches the account's owner."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with in_language_of(context["user"]):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ScreenTimeSettingsForm(forms.Form):
    """The screen-time part of the settings page; who may set what is ``platform.screen_time``'s rule."""

    daily_limit_minutes = forms.IntegerField(
        required=False,
        label=_("Daily limit (minutes)"),
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "min": 1, "max": age.SCREEN_TIME_LIMIT_MAX_MINUTES}
        ),
    )
    is_restricted_mode = forms.BooleanField(
        required=False,
        label=_("Restricted mode"),
        help_text=_("Hides videos labelled mature or unverified and videos under review."),
    )
    passcode = forms.CharField(
        required=False,
        label=_("New passcode"),
        strip=True,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
        help_text=_(
            "4 to 8 digits. It gives 30 more minutes when the day's limit is reached. Leave empty to keep it."
        ),
    )
    passcode2 = forms.CharField(
        required=False,
        label=_("New passcode again"),
        strip=True,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("passcode") != cleaned.get("passcode2"):
            self.add_error("passcode2", _("The two passcodes differ."))
        return cleaned


class ScreenTimeUnlockForm(forms.Form):
    passcode = forms.CharField(
        label=_("Passcode"),
        max_length=32,
        strip=True,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


# --- family pairing ----------------------------------------------------------------------------------


class PairingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your parent"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("Eight letters and digits; it works once, for 10 minutes."),
    )


class PairingConfirmForm(forms.Form):
    """The second step of linking: the signed token of the code the teen entered, not the code again."""

    token = forms.CharField(max_length=500, widget=forms.HiddenInput())


class FamilyTeenSettingsForm(forms.Form):
    daily_limit_minutes = forms.IntegerField(
        label=_("Daily screen-time limit (minutes)"),
        min_value=family.DAILY_LIMIT_MIN_MINUTES,
        max_value=family.DAILY_LIMIT_MAX_MINUTES,
    )
    is_restricted_mode = forms.BooleanField(
        label=_("Restricted mode"), required=False, help_text=_("Hides mature and unverified videos.")
    )
    follow_policy = forms.ChoiceField(label=_("Who may follow them"), choices=User.FollowPolicy.choices)
    is_private = forms.BooleanField(
        label=_("Private account"),
        required=False,
        help_text=_("Only followers they approve see their profile and videos (always so under 16)."),
    )


class FamilyPasscodeForm(forms.Form):
    passcode = forms.CharField(
        label=_("Passcode that lifts the limit for a day"),
        min_length=4,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
        help_text=_(
            "Four to eight digits. Keep it to yourself; your teen asks you when they need more time."
        ),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account, my videos and my data will be deleted after 14 days."),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
