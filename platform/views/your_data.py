"""Your data: download everything, and delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from platform import (
    account_deletion,
    personal_data,
)
from platform.forms import (
    AccountDeleteForm,
)
from platform.models import User
from platform.views.common import form_add_service_errors


@login_required
@require_POST
def data_export_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    personal_data.data_export_request(user=user)
    messages.success(request, _("We are preparing your data. We will notify you when it is ready."))
    return redirect(reverse("account_settings") + "#your-data")


@login_required
@require_GET
@never_cache
def data_export_download(request: HttpRequest, token: str) -> FileResponse:
    user = request.user
    assert isinstance(user, User)
    export = personal_data.data_export_for_download(user=user, token=token)
    if export is None:
        raise Http404(_("No such download, or its link has expired."))
    filename = f"joyreel-data-{export.ready_at:%Y-%m-%d}.zip" if export.ready_at else "joyreel-data.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)


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
            assert due is not None  # just requested
            logout(request)
            messages.success(
                request,
                _("Your account will be deleted on %(date)s. Log in before then to keep it.")
                % {"date": date_format(due, "DATE_FORMAT")},
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "platform/data_delete.html", {"form": form}, status=status)
