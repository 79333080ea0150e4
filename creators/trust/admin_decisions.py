"""The moderators' decision step in the admin: an action asks for the statement of reasons (guideline,
facts, days) on an intermediate page, then calls the service; the admin itself decides nothing. Also how the admin's lists name a decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from creators.models import Decision
from platform.guidelines import Guideline
from platform.models import User
from platform.views import form_add_service_errors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    title: StrOrPromise,
    intro: StrOrPromise,
    submit_label: StrOrPromise,
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
            model_admin.message_user(request, str(error) or gettext("Not allowed."), messages.ERROR)
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


# What each action did, in the words a moderator would say it: the target is part of the action's meaning.
_ACTION_WORDS = {
    Decision.Action.REMOVE: gettext_lazy("Video removed"),
    Decision.Action.LIMIT: gettext_lazy("Video not recommended"),
    Decision.Action.AGE_RESTRICT: gettext_lazy("Video age-restricted"),
    Decision.Action.LABEL_UNVERIFIED: gettext_lazy("Video labelled unverified"),
    Decision.Action.DISMISS: gettext_lazy("No action taken"),
    Decision.Action.REVIEW_CLEAR: gettext_lazy("Reviewed, no problem found"),
    Decision.Action.WARNING: gettext_lazy("Account warned"),
    Decision.Action.STRIKE: gettext_lazy("Account given a strike"),
    Decision.Action.SUSPEND: gettext_lazy("Account suspended"),
}


_COMMENT_WORDS = {
    Decision.Action.REMOVE: gettext_lazy("Comment removed"),
    Decision.Action.REVIEW_CLEAR: gettext_lazy("Comment reviewed, no problem found"),
}


def decision_words(decision: Decision) -> str:
    """A decision in plain words: "Video removed (dangerous acts)"."""
    words = str(_ACTION_WORDS.get(Decision.Action(decision.action), decision.get_action_display()))
    if decision.comment_id is not None and decision.action in _COMMENT_WORDS:
        words = str(_COMMENT_WORDS[Decision.Action(decision.action)])
    if decision.guideline in Guideline.values:
        words += f" ({str(Guideline(decision.guideline).label).lower()})"
    return words


def decision_link(decision: Decision | None, *, prefix: str = "") -> str:
    """``decision_words`` with a link to the decision's admin page: "Video removed (dangerous acts) — decision
    #3"; ``prefix`` goes before the number ("appeal of decision")."""
    if decision is None:
        return "—"
    return format_html(
        '{} — <a href="{}">{}decision #{}</a>',
        decision_words(decision),
        reverse("admin:creators_decision_change", args=[decision.pk]),
        prefix,
        decision.pk,
    )
