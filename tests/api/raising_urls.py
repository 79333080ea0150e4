"""The site's URLs with two views that fail, one under /api/ and one page, and the site's error handlers."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from platform.urls import handler403, handler404, handler500
from platform.urls import urlpatterns as site_urlpatterns
from platform.views.errors import api_json_errors


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A bug.")


__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
urlpatterns = [
    path("api/v1/fails", api_json_errors(fails)),  # a plain Django view under the API
    path("fails/", fails),
    *site_urlpatterns,
]
