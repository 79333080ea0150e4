"""The notification centre: the list, opening one (it marks it read), and marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from platform import (
    notifications,
)
from platform.errors import NotFound
from platform.models import User

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
        messages.success(request, _("All caught up."))
    return redirect("notifications")
