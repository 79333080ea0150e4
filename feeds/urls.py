"""URLs of the feed pages; the For You feed is the site's home page."""

from django.urls import path, re_path

from feeds import views
from feeds.analytics import views as analytics_views
from feeds.tags import views as tag_views

app_name = "feeds"

urlpatterns = [
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/report$", views.profile_report, name="profile_report"),
    path("feed/following/", views.following, name="following"),
    path("feed/local/", views.local, name="local"),
    path("feed/topics/<slug:slug>/", views.topic, name="topic"),
    path("tag/<str:name>", tag_views.tag, name="tag"),
    path("tag/<str:name>/play", tag_views.tag_play, name="tag_play"),
    path("tag/<str:name>/follow", tag_views.tag_follow, name="tag_follow"),
    path("studio/analytics/", analytics_views.overview, name="analytics"),
    path("studio/analytics/export.csv", analytics_views.export, name="analytics_export"),
    path("studio/videos/<uuid:public_id>/analytics/", analytics_views.video, name="analytics_video"),
]
