"""The site's home page, named ``home``: the For You feed; and ``/search``, which the header's box opens."""

from django.urls import path

from feeds import views
from feeds.search import views as search_views

urlpatterns = [path("", views.for_you, name="home"), path("search", search_views.search, name="search")]
