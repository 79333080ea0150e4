"""Site pages of the core app: favicon, guidelines, sign-up with its age gate, log-in, and the health check."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from platform import account_deletion, origin, readiness, services
from platform.forms import (
    EmailAuthenticationForm,
    SignUpForm,
)
from platform.models import User
from platform.views.common import form_add_service_errors

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
                signup_address=origin.client_address(request),
                signup_browser=origin.browser_hash(origin.browser_id(request)),
                # The language the page was shown in: what they read the sign-up in, they can read.
                language=translation.get_language() or "",
            )
        except services.AgeRefused:
            return signup_block(render(request, "registration/signup_refused.html", status=403))
        except ValidationError as error:
            form_add_service_errors(form, error, renames={"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to Joyreel, %(name)s! We sent you a link to confirm your email.")
                % {"name": user.display_name},
            )
            # The optional "What do you enjoy?" step (feeds' page, reached by name: platform imports no feeds).
            return origin.browser_id_keep(request, redirect("welcome-interests"))
    status = 400 if request.method == "POST" else 200
    # The browser id is set before the account is made, so that the next account from here shows it.
    return origin.browser_id_keep(
        request, render(request, "registration/signup.html", {"form": form}, status=status)
    )


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    """django-axes' lockout response: JSON for API clients, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Too many failed log-ins. Try again later."), "code": "rate_limited"}, status=429
        )
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


class LoginView(auth_views.LoginView):
    """Django's log-in, which also keeps an account whose deletion was requested (the 14 days' way back)."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return origin.browser_id_keep(request, super().get(request, *args, **kwargs))

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = origin.browser_id_keep(self.request, super().form_valid(form))
        user = form.get_user()
        if isinstance(user, User) and account_deletion.account_deletion_cancel(user=user):
            messages.success(self.request, _("Welcome back. Your account will not be deleted."))
        return response


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: each part "ok" or its error's class; 503 unless every part is ok."""
    checks = readiness.readiness_checks(timeout=settings.READINESS_TIMEOUT_SECONDS)
    ready = all(value == readiness.OK for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "error", **checks}, status=200 if ready else 503)
