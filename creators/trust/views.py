"""The statement-of-reasons pages: a person's own moderation decisions, each with its appeal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from creators import selectors, services
from creators.forms import AppealForm
from creators.models import Appeal, Decision
from platform.errors import NotFound
from platform.guidelines import Guideline, guideline_anchor
from platform.models import User
from platform.views import form_add_service_errors


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    decisions = list(selectors.decisions_of(user=_user(request))[:200])
    return render(request, "creators/decisions.html", {"decisions": decisions})


@login_required
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = _user(request)
    decision = selectors.decision_get(user=user, decision_id=decision_id)
    if decision is None:
        raise Http404("No such decision.")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(
                appellant=user, decision_id=decision.pk, statement=form.cleaned_data["statement"]
            )
        except NotFound as error:
            raise Http404(error.message) from error
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thanks: your appeal is with a different moderator. We'll tell you the outcome.")
            )
            return redirect(decision.get_absolute_url())
    appeal: Appeal | None = getattr(decision, "appeal", None)
    return render(
        request,
        "creators/decision.html",
        {
            "decision": decision,
            "appeal": appeal,
            "form": form,
            "guideline_label": _guideline_label(decision),
            "guideline_anchor": guideline_anchor(decision.guideline) if decision.guideline else "",
            "is_appealable": appeal is None
            and decision.appeal_until is not None
            and decision.appeal_until > timezone.now(),
        },
    )


def _guideline_label(decision: Decision) -> str:
    return str(Guideline(decision.guideline).label) if decision.guideline in Guideline.values else ""
