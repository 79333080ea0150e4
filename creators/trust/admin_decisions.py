"""The moderators' decision step in the admin: an action asks for the statement of reasons (guideline,
facts, days) on an intermediate page, then calls the service; the admin itself decides nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from platform.models import User
from platform.views import form_add_service_errors

M = TypeVar("M", bound=Model)


def admin_actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def decision_step(
    model_admin: admin.ModelAdmin[M],
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    form: forms.Form,
    title: str,
    intro: str,
    submit_label: str,
    apply: Callable[[dict[str, Any]], str],
) -> TemplateResponse | None:
    """Show ``form`` for the selected rows; once submitted and valid, run ``apply`` (all or nothing) with
    its cleaned data and report its message. A service's ValidationError goes back to the form; a
    PermissionDenied becomes an error message with nothing written."""
    if "apply" in request.POST and form.is_valid():
        try:
            with transaction.atomic():
                message = apply(form.cleaned_data)
        except PermissionDenied as error:
            model_admin.message_user(request, str(error) or "Not allowed.", messages.ERROR)
            return None
        except ValidationError as error:
            form_add_service_errors(form, error, renames={"note": "facts", "outcome_reason": "reason"})
        else:
            model_admin.message_user(request, message, messages.SUCCESS)
            return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/moderation_decide.html", context)
