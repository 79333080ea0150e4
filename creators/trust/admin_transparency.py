"""The admin's transparency page (/admin/transparency/) and its CSV: staff who may view decisions see the
monthly figures that ``creators.trust.transparency`` reads."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from creators.trust.transparency import DEFAULT_MONTHS, transparency_months, transparency_rows
from platform.http import EchoBuffer, spreadsheet_safe

PERMISSION = "creators.view_decision"


def _may_view(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Staff (the admin's login) with the permission to view decisions; anyone else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request)

    return admin.site.admin_view(wrapper)


@_may_view
def transparency(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Transparency",
        "months": transparency_months(months=DEFAULT_MONTHS),
        "month_count": DEFAULT_MONTHS,
    }
    return TemplateResponse(request, "admin/transparency.html", context)


@_may_view
def transparency_csv(request: HttpRequest) -> HttpResponse:
    writer = csv.writer(EchoBuffer())
    lines = [writer.writerow(["month", "measure", "breakdown", "value"])]
    lines += [
        writer.writerow([spreadsheet_safe(value) for value in row])
        for row in transparency_rows(transparency_months(months=DEFAULT_MONTHS))
    ]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    name = f"joyreel-transparency-{timezone.now():%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
