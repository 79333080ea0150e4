"""Account settings: the account, its email confirmation, screen time (settings, the week, the no-JavaScript
unlock), blocks and mutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from platform import (
    age,
    blocking,
    email_confirmation,
    family,
    languages,
    notifications,
    screen_time,
    services,
)
from platform.errors import RateLimited
from platform.forms import (
    AccountSettingsForm,
    ScreenTimeSettingsForm,
    ScreenTimeUnlockForm,
)
from platform.models import User
from platform.regions import regions_of
from platform.views.common import form_add_service_errors, service_call


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    initial = {
        "display_name": user.display_name,
        "country": user.country.code or "",
        "region": user.region,
        "is_private": user.is_private,
        "time_zone": user.time_zone,
        "language": user.language,
        "wants_email_notifications": user.wants_email_notifications,
    }
    form = AccountSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        delivery = {name: data.pop(name) for name in ("time_zone", "wants_email_notifications")}
        delivery["time_zone"] = delivery["time_zone"] or user.time_zone
        language = data.pop("language")
        try:
            with transaction.atomic():
                services.user_update_settings(user=user, **data)
                notifications.notification_settings_update(user=user, **delivery)
                services.user_language_set(user=user, language=language)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            # The page after this one, and the success message, in the language just chosen.
            active = language or translation.get_language_from_request(request)
            translation.activate(active)
            messages.success(request, _("Your settings are saved."))
            response = redirect("account_settings")
            if language:
                languages.language_cookie_set(response, language)
            return response
    status = 400 if request.method == "POST" else 200
    return _settings_render(request, user=user, form=form, status=status)


def _settings_render(
    request: HttpRequest,
    *,
    user: User,
    form: AccountSettingsForm | None = None,
    screen_time_form: ScreenTimeSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or AccountSettingsForm(
        initial={
            "display_name": user.display_name,
            "country": user.country.code or "",
            "region": user.region,
            "is_private": user.is_private,
            "language": user.language,
        }
    )
    screen_time_form = screen_time_form or _screen_time_form(
        user,
        initial={
            "daily_limit_minutes": user.daily_limit_minutes,
            "is_restricted_mode": user.is_restricted_mode,
        },
    )
    context = {
        "form": form,
        "regions": regions_of(user.country.code or ""),
        "screen_time_form": screen_time_form,
        "screen_time_default": user.age_policy.daily_screen_time_limit_minutes,
        "screen_time_limit": age.screen_time_limit_minutes(user),
        "has_passcode": bool(user.screen_time_passcode),
        "blocks": blocking.blocks_of(user=user),
        "mutes": blocking.mutes_of(user=user),
    }
    next_change = age.time_zone_next_change_at(user=user)
    if next_change is not None and next_change > timezone.now():
        context["time_zone_next_change_at"] = next_change.astimezone(age.user_zone(user))
    context["family"] = {
        "parent": family.family_parent_of(teen=user),
        "daily_limit_minutes": family.daily_limit_minutes(user=user),
        "is_limit_set_by_parent": family.family_limit_is_set_by_parent(teen=user),
    }
    return render(request, "platform/account_settings.html", context, status=status)


def _screen_time_form(
    user: User, *, data: QueryDict | None = None, initial: dict[str, object] | None = None
) -> ScreenTimeSettingsForm:
    """The screen-time form; without the passcode for a linked teen, whose parent alone sets it."""
    form = ScreenTimeSettingsForm(data, initial=initial)
    if screen_time.screen_time_controlling_parent(user=user) is not None:
        del form.fields["passcode"], form.fields["passcode2"]
    return form


@login_required
def account_screen_time_settings(request: HttpRequest) -> HttpResponse:
    """The settings page's screen-time form posts here; errors show on the settings page."""
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return redirect("account_settings")
    form = _screen_time_form(user, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            screen_time.screen_time_settings_update(
                user=user,
                minutes=data["daily_limit_minutes"],
                is_restricted_mode=data["is_restricted_mode"],
                # A linked teen's form has no passcode (only the parent sets it); one posted anyway is
                # refused by the service, never dropped quietly.
                passcode=request.POST.get("passcode", "")
                if "passcode" not in form.fields
                else data["passcode"],
                actor=user,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your screen-time settings are saved."))
            return redirect(f"{reverse('account_settings')}#screen-time")
    return _settings_render(request, user=user, screen_time_form=form, status=400)


@never_cache
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: a page with a button, so that a mail scanner opening the link
    confirms nothing; the button's POST confirms."""
    if request.method != "POST":
        return render(request, "registration/email_confirm.html")
    try:
        email_confirmation.email_confirm(token=token)
    except ValidationError as error:
        return render(
            request, "registration/email_confirm.html", {"error": " ".join(error.messages)}, status=400
        )
    messages.success(request, _("Your email address is confirmed. Thank you!"))
    return redirect(f"{reverse('account_settings')}#email" if request.user.is_authenticated else "login")


@login_required
@require_POST
def email_confirmation_resend(request: HttpRequest) -> HttpResponse:
    """The settings page's "send the link again" button."""
    user = request.user
    assert isinstance(user, User)
    try:
        email_confirmation.email_confirmation_send(user=user)
    except RateLimited as error:
        messages.error(request, error.message)
    else:
        if user.email_confirmed_at is None:
            messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})
    return redirect(f"{reverse('account_settings')}#email")


@login_required
def screen_time_summary(request: HttpRequest) -> HttpResponse:
    """The last seven days on the person's own calendar: minutes a day, the total, the average, the limit."""
    user = request.user
    assert isinstance(user, User)
    week = screen_time.screen_time_week(user=user)
    limit = age.screen_time_limit_minutes(user)
    total = sum(day.seconds for day in week)
    tallest = max([day.seconds for day in week] + [(limit or 0) * 60.0, 60.0])
    days = [
        {"day": day.day, "minutes": day.minutes, "percent": round(100 * day.seconds / tallest, 1)}
        for day in week
    ]
    context = {
        "days": days,
        "total_minutes": int(total // 60),
        "average_minutes": int(total / len(week) // 60),
        "limit": limit,
        "limit_percent": round(100 * (limit or 0) * 60.0 / tallest, 1),
        "today": screen_time.screen_time_status(user=user),
    }
    return render(request, "platform/screen_time.html", context)


@login_required
def screen_time_unlock(request: HttpRequest) -> HttpResponse:
    """The limit panel's passcode form without JavaScript; the player posts to the API instead."""
    user = request.user
    assert isinstance(user, User)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    if request.method != "POST":
        return redirect(next_url)
    form = ScreenTimeUnlockForm(request.POST)
    if form.is_valid():
        with service_call(request, success="30 more minutes for today."):
            screen_time.screen_time_unlock(user=user, passcode=form.cleaned_data["passcode"])
    else:
        messages.error(request, _("Enter the passcode."))
    return redirect(next_url)


@login_required
@require_POST
def block_remove(request: HttpRequest, block_id: int) -> HttpResponse:
    """Unblock from the settings list; only the user's own blocks are found."""
    user = request.user
    assert isinstance(user, User)
    block = blocking.blocks_of(user=user).filter(pk=block_id).first()
    if block is not None:
        blocking.block_delete(blocker=user, blocked=block.blocked)
        messages.success(
            request, _("You unblocked %(name)s.") % {"name": blocking.account_name(block.blocked)}
        )
    return redirect(f"{reverse('account_settings')}#blocked-and-muted")


@login_required
@require_POST
def mute_remove(request: HttpRequest, mute_id: int) -> HttpResponse:
    """Unmute from the settings list; only the user's own mutes are found."""
    user = request.user
    assert isinstance(user, User)
    mute = blocking.mutes_of(user=user).filter(pk=mute_id).first()
    if mute is not None:
        blocking.mute_delete(muter=user, muted=mute.muted)
        messages.success(request, _("You unmuted %(name)s.") % {"name": blocking.account_name(mute.muted)})
    return redirect(f"{reverse('account_settings')}#blocked-and-muted")
