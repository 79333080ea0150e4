"""The site's URLs with a stand-in for ``creators:decision`` (the decision page another part of issue 9
builds): ``decision_take`` links its notification there. Used only while that page is missing."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path

import creators.urls
from platform import urls as site


def _decision(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"decision {pk}")


_creators = (
    [*creators.urls.urlpatterns, path("decisions/<int:pk>/", _decision, name="decision")],
    "creators",
)


def _swap(pattern: object) -> object:
    if isinstance(pattern, URLResolver) and pattern.namespace == "creators":
        return path("", include(_creators))
    return pattern


urlpatterns = [_swap(pattern) for pattern in site.urlpatterns]
