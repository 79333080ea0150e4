"""Family pairing pages: a parent's code and linked teens, a teen's link to their parent (the code, then
whose it is, then the confirmation)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from platform import (
    age,
    family,
    origin,
)
from platform.errors import NotFound, RateLimited
from platform.forms import (
    FamilyPasscodeForm,
    FamilyTeenSettingsForm,
    PairingCodeForm,
    PairingConfirmForm,
)
from platform.models import User
from platform.views.common import _request_user, form_add_service_errors


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
                        "is_private": linked.teen.is_private,
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
    response = render(request, "platform/family.html", {**context, **extra}, status=status)
    return origin.browser_id_keep(request, response)


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
@never_cache
@require_POST
def family_link(request: HttpRequest) -> HttpResponse:
    """The code: answers whose it is, and asks the teen to confirm. Nothing is linked yet."""
    user = _request_user(request)
    form = PairingCodeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            preview = family.pairing_preview(
                teen=user, code=form.cleaned_data["code"], origin=origin.request_origin(request)
            )
        except RateLimited as error:
            form.add_error("code", error.message)
            status = 429
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            confirm_form = PairingConfirmForm(initial={"token": preview.token})
            return _family_render(request, user, preview=preview, confirm_form=confirm_form)
    return _family_render(request, user, status=status, code_form=form)


@login_required
@require_POST
def family_link_confirm(request: HttpRequest) -> HttpResponse:
    """The teen saw their parent's name and email and confirms: now the code is used and they are linked."""
    user = _request_user(request)
    form = PairingConfirmForm(request.POST)
    if form.is_valid():
        try:
            parent = family.pairing_link(
                teen=user, token=form.cleaned_data["token"], origin=origin.request_origin(request)
            ).parent
        except ValidationError as error:
            return _family_render(request, user, status=400, error=" ".join(error.messages))
        messages.success(request, _("Your account is linked to %(name)s.") % {"name": parent.display_name})
        return redirect("family")
    return _family_render(request, user, status=400, error=family.PAIRING_REFUSED)


@login_required
@require_POST
def family_unlink(request: HttpRequest, teen_id: int) -> HttpResponse:
    user = _request_user(request)
    teen = User.objects.filter(pk=teen_id).first()
    if teen is None:
        raise Http404(_("No such family link."))
    try:
        family.pairing_unlink(user=user, teen=teen)
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _("The accounts are no longer linked."))
    return redirect("family")


def _linked_teen_or_404(request: HttpRequest, teen_id: int) -> tuple[User, User]:
    parent = _request_user(request)
    teen = User.objects.filter(pk=teen_id, family_link__parent=parent).first()
    if teen is None:
        raise Http404(_("No such teen."))
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
            messages.success(request, _("%(name)s's settings are saved.") % {"name": teen.display_name})
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
            messages.success(request, _("%(name)s's passcode is set.") % {"name": teen.display_name})
            return redirect("family")
    return _family_render(request, parent, status=400, bound_forms={teen.pk: {"passcode": form}})
