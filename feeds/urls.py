"""URLs of the feed pages; the For You feed is the site's home page."""

from django.urls import path

from feeds import views

app_name = "feeds"

urlpatterns = [
    path("feed/following/", views.following, name="following"),
    path("feed/local/", views.local, name="local"),
    path("feed/topics/<slug:slug>/", views.topic, name="topic"),
]
