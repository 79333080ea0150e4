"""Site pages of the core app: home, guidelines, sign-up, account settings, notifications and the health
check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from platform import notifications, services
from platform.errors import NotFound
from platform.forms import AccountSettingsForm, SignUpForm
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
    context = {"form": form, "regions": regions_of(user.country.code or "")}
    return render(request, "platform/account_settings.html", context, status=status)


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
