"""Site pages of the core app: home, guidelines, sign-up, account settings, screen time, family pairing,
your data, blocks, notifications and the health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from platform import (
    account_deletion,
    age,
    blocking,
    family,
    notifications,
    personal_data,
    readiness,
    screen_time,
    services,
)
from platform.errors import NotFound, RateLimited
from platform.forms import (
    AccountDeleteForm,
    AccountSettingsForm,
    EmailAuthenticationForm,
    FamilyPasscodeForm,
    FamilyTeenSettingsForm,
    PairingCodeForm,
    ScreenTimeSettingsForm,
    ScreenTimeUnlockForm,
    SignUpForm,
)
from platform.models import User
from platform.regions import regions_of

# A signed cookie that remembers a refused (too young) sign-up for a while, so
# the form cannot simply be retried with an older date straight away.
AGE_GATE_COOKIE = "joyreel_age_gate"
AGE_GATE_SALT = "platform.signup.age-gate"


def signup_is_blocked(request: HttpRequest) -> bool:
    try:
        value = request.get_signed_cookie(
            AGE_GATE_COOKIE, salt=AGE_GATE_SALT, max_age=settings.SIGNUP_AGE_BLOCK_SECONDS
        )
    except (KeyError, signing.BadSignature):
        return False
    return value == "refused"


def signup_block(response: HttpResponse) -> HttpResponse:
    response.set_signed_cookie(
        AGE_GATE_COOKIE,
        "refused",
        salt=AGE_GATE_SALT,
        max_age=settings.SIGNUP_AGE_BLOCK_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def form_add_service_errors(
    form: Form, error: ValidationError, renames: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError at the form's fields (the service may name them differently)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renames = renames or {}
    for field, errors in error.error_dict.items():
        name = renames.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and crawlers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "platform/guidelines.html")


@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if signup_is_blocked(request):
        return render(request, "registration/signup_refused.html", status=403)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_sign_up(
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
                date_of_birth=data["date_of_birth"],
                country=data["country"],
                region=data["region"],
                time_zone=data["time_zone"],
            )
        except services.AgeRefused:
            return signup_block(render(request, "registration/signup_refused.html", status=403))
        except ValidationError as error:
            form_add_service_errors(form, error, renames={"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Joyreel, {user.display_name}!")
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


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
        "wants_email_notifications": user.wants_email_notifications,
    }
    form = AccountSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        delivery = {name: data.pop(name) for name in ("time_zone", "wants_email_notifications")}
        delivery["time_zone"] = delivery["time_zone"] or user.time_zone
        try:
            with transaction.atomic():
                services.user_update_settings(user=user, **data)
                notifications.notification_settings_update(user=user, **delivery)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("account_settings")
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
        }
    )
    screen_time_form = screen_time_form or ScreenTimeSettingsForm(
        initial={
            "daily_limit_minutes": user.daily_limit_minutes,
            "is_restricted_mode": user.is_restricted_mode,
        }
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
    context["family"] = {
        "parent": family.family_parent_of(teen=user),
        "daily_limit_minutes": family.daily_limit_minutes(user=user),
        "is_limit_set_by_parent": family.family_limit_is_set_by_parent(teen=user),
    }
    return render(request, "platform/account_settings.html", context, status=status)


@login_required
def account_screen_time_settings(request: HttpRequest) -> HttpResponse:
    """The settings page's screen-time form posts here; errors show on the settings page."""
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return redirect("account_settings")
    form = ScreenTimeSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            screen_time.screen_time_settings_update(
                user=user,
                minutes=data["daily_limit_minutes"],
                is_restricted_mode=data["is_restricted_mode"],
                passcode=data["passcode"],
                actor=user,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, "Your screen-time settings are saved.")
            return redirect(f"{reverse('account_settings')}#screen-time")
    return _settings_render(request, user=user, screen_time_form=form, status=400)


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
        try:
            screen_time.screen_time_unlock(user=user, passcode=form.cleaned_data["passcode"])
        except RateLimited as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "30 more minutes for today.")
    else:
        messages.error(request, "Enter the passcode.")
    return redirect(next_url)


NOTIFICATIONS_PER_PAGE = 25


@login_required
@require_GET
@never_cache
def notifications_page(request: HttpRequest) -> HttpResponse:
    """The notification centre: newest first, unread ones marked; opening one marks it read."""
    user = request.user
    assert isinstance(user, User)
    paginator = Paginator(notifications.notifications_of(user=user), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "platform/notifications.html", {"page": page})


@login_required
@require_GET
@never_cache
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one's own notification read and go where it leads (only ever a path on this site)."""
    user = request.user
    assert isinstance(user, User)
    try:
        target = notifications.notification_open(user=user, notification_id=notification_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return HttpResponseRedirect(target)


@login_required
@require_POST
def block_remove(request: HttpRequest, block_id: int) -> HttpResponse:
    """Unblock from the settings list; only the user's own blocks are found."""
    user = request.user
    assert isinstance(user, User)
    block = blocking.blocks_of(user=user).filter(pk=block_id).first()
    if block is not None:
        blocking.block_delete(blocker=user, blocked=block.blocked)
        messages.success(request, f"You unblocked {blocking.account_name(block.blocked)}.")
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
        messages.success(request, f"You unmuted {blocking.account_name(mute.muted)}.")
    return redirect(f"{reverse('account_settings')}#blocked-and-muted")


@login_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if notifications.notifications_mark_read(user=user):
        messages.success(request, "All caught up.")
    return redirect("notifications")


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """django-axes' lockout response: JSON for API clients, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Too many failed log-ins. Try again later."}, status=429)
    return render(request, "registration/locked_out.html", status=429)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers a query and the Celery broker accepts a connection."""
    from platform.celery import app

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # report, never crash, a health check
        checks["database"] = f"error: {type(error).__name__}"
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as error:
        checks["broker"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: each part "ok" or its error's class; 503 unless every part is ok."""
    checks = readiness.readiness_checks(timeout=settings.READINESS_TIMEOUT_SECONDS)
    ready = all(value == readiness.OK for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "error", **checks}, status=200 if ready else 503)


# --- family pairing ----------------------------------------------------------------------------------


def _family_render(request: HttpRequest, user: User, *, status: int = 200, **extra: object) -> HttpResponse:
    """The family page: what an adult or a teen can do here, with any forms the request already filled."""
    band = user.age_band
    context: dict[str, object] = {
        "may_be_parent": age.may_link_as_parent(band),
        "may_be_teen": age.may_link_as_teen(band),
    }
    if context["may_be_parent"]:
        teens = family.family_teens(parent=user)
        bound: dict[int, dict[str, Form]] = extra.pop("bound_forms", {})  # type: ignore[assignment]
        context["teens"] = [
            {
                "linked": linked,
                "most_minutes": max([day.minutes for day in linked.week] + [1]),
                "settings_form": bound.get(linked.teen.pk, {}).get("settings")
                or FamilyTeenSettingsForm(
                    initial={
                        "daily_limit_minutes": family.daily_limit_minutes(user=linked.teen),
                        "is_restricted_mode": linked.teen.is_restricted_mode,
                        "follow_policy": linked.teen.follow_policy,
                    },
                    prefix=f"teen{linked.teen.pk}",
                ),
                "passcode_form": bound.get(linked.teen.pk, {}).get("passcode")
                or FamilyPasscodeForm(prefix=f"teen{linked.teen.pk}"),
            }
            for linked in teens
        ]
        context["code_expires_at"] = family.pairing_code_expiry(parent=user)
        context["code_minutes"] = int(family.PAIRING_CODE_LIFETIME.total_seconds() // 60)
    if context["may_be_teen"]:
        context["parent"] = family.family_parent_of(teen=user)
        context["daily_limit_minutes"] = family.daily_limit_minutes(user=user)
        context["code_form"] = extra.pop("code_form", None) or PairingCodeForm()
    return render(request, "platform/family.html", {**context, **extra}, status=status)


def _request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- your data: download everything, delete the account ---------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's log-in, which also keeps an account whose deletion was requested (the 14 days' way back)."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if isinstance(user, User) and account_deletion.account_deletion_cancel(user=user):
            messages.success(self.request, "Welcome back. Your account will not be deleted.")
        return response


@login_required
@require_POST
def data_export_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    personal_data.data_export_request(user=user)
    messages.success(request, "We are preparing your data. We will notify you when it is ready.")
    return redirect(reverse("account_settings") + "#your-data")


@login_required
@require_GET
@never_cache
def data_export_download(request: HttpRequest, token: str) -> FileResponse:
    user = request.user
    assert isinstance(user, User)
    export = personal_data.data_export_for_download(user=user, token=token)
    if export is None:
        raise Http404("No such download, or its link has expired.")
    filename = f"joyreel-data-{export.ready_at:%Y-%m-%d}.zip" if export.ready_at else "joyreel-data.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)


@login_required
@never_cache
def family_page(request: HttpRequest) -> HttpResponse:
    return _family_render(request, _request_user(request))


@login_required
@never_cache
@require_POST
def family_code_create(request: HttpRequest) -> HttpResponse:
    """Shown once, in this response: only the code's hash is kept."""
    user = _request_user(request)
    try:
        issued = family.pairing_code_create(parent=user)
    except ValidationError as error:
        return _family_render(request, user, status=403, error=" ".join(error.messages))
    return _family_render(request, user, issued=issued)


@login_required
@require_POST
def family_link(request: HttpRequest) -> HttpResponse:
    user = _request_user(request)
    form = PairingCodeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            parent = family.pairing_link(teen=user, code=form.cleaned_data["code"]).parent
        except RateLimited as error:
            form.add_error("code", error.message)
            status = 429
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"Your account is linked to {parent.display_name}.")
            return redirect("family")
    return _family_render(request, user, status=status, code_form=form)


@login_required
@require_POST
def family_unlink(request: HttpRequest, teen_id: int) -> HttpResponse:
    user = _request_user(request)
    teen = User.objects.filter(pk=teen_id).first()
    if teen is None:
        raise Http404("No such family link.")
    try:
        family.pairing_unlink(user=user, teen=teen)
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, "The accounts are no longer linked.")
    return redirect("family")


def _linked_teen_or_404(request: HttpRequest, teen_id: int) -> tuple[User, User]:
    parent = _request_user(request)
    teen = User.objects.filter(pk=teen_id, family_link__parent=parent).first()
    if teen is None:
        raise Http404("No such teen.")
    return parent, teen


@login_required
@require_POST
def family_teen_settings(request: HttpRequest, teen_id: int) -> HttpResponse:
    parent, teen = _linked_teen_or_404(request, teen_id)
    form = FamilyTeenSettingsForm(request.POST, prefix=f"teen{teen.pk}")
    if form.is_valid():
        try:
            family.family_teen_settings_set(parent=parent, teen=teen, **form.cleaned_data)
        except NotFound as error:
            raise Http404(error.message) from error
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"{teen.display_name}'s settings are saved.")
            return redirect("family")
    return _family_render(request, parent, status=400, bound_forms={teen.pk: {"settings": form}})


@login_required
@require_POST
def family_teen_passcode(request: HttpRequest, teen_id: int) -> HttpResponse:
    parent, teen = _linked_teen_or_404(request, teen_id)
    form = FamilyPasscodeForm(request.POST, prefix=f"teen{teen.pk}")
    if form.is_valid():
        try:
            family.family_teen_passcode_set(parent=parent, teen=teen, passcode=form.cleaned_data["passcode"])
        except NotFound as error:
            raise Http404(error.message) from error
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"{teen.display_name}'s passcode is set.")
            return redirect("family")
    return _family_render(request, parent, status=400, bound_forms={teen.pk: {"passcode": form}})


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    """The "Delete your account" form: password again and a confirmation; then the person is logged out."""
    user = request.user
    assert isinstance(user, User)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_deletion.account_deletion_request(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            due = account_deletion.deletion_due_at(user=user)
            logout(request)
            messages.success(
                request,
                f"Your account will be deleted on {due:%d %B %Y}. Log in before then to keep it.",
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "platform/data_delete.html", {"form": form}, status=status)
