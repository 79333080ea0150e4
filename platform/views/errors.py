"""The site's 403 and 404 pages: the site's own look, with the reason the refusing code gave."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


def _reason(exception: Exception | None) -> str:
    """The sentence an exception was raised with, when it is one (``Http404("No such video.")``)."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return message.strip() if isinstance(message, str) else ""


@requires_csrf_token  # the header's log-out form needs the token, as on every page
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our refusals (``PermissionDenied("Business accounts … are for adults (18+).")``) are written for
    the person refused; the template escapes them."""
    reason = _reason(exception) if isinstance(exception, PermissionDenied) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our views raise ``Http404`` with a sentence for the visitor ("No such video."), the same one
    the API answers; Django's own (an unknown URL's resolver report, ``get_object_or_404``'s model
    names) are not for them, and only the plain ``Http404`` of our code is shown."""
    is_ours = type(exception) is Http404 and not _reason(exception).endswith("matches the given query.")
    return render(request, "404.html", {"reason": _reason(exception) if is_ours else ""}, status=404)
