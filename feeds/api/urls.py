"""URLs of the feeds API under ``/api/v1/``."""

from django.urls import path

from feeds.api import analytics, tags, views, welcome
from feeds.api import search as search_api

urlpatterns = [
    path("signals", views.SignalBatchView.as_view(), name="api-signals"),
    path("feeds/for-you", views.ForYouFeedView.as_view(), name="api-feed-for-you"),
    path("feeds/following", views.FollowingFeedView.as_view(), name="api-feed-following"),
    path("feeds/local", views.LocalFeedView.as_view(), name="api-feed-local"),
    path("feeds/topics/<slug:slug>", views.TopicFeedView.as_view(), name="api-feed-topic"),
    # Hashtags: "trending" first, so it is not taken for a hashtag's name.
    path("tags/trending", tags.TrendingHashtagsView.as_view(), name="api-tags-trending"),
    path("tags/<str:name>", tags.HashtagView.as_view(), name="api-tag"),
    path("tags/<str:name>/videos", tags.HashtagVideosView.as_view(), name="api-tag-videos"),
    path("tags/<str:name>/follow", tags.HashtagFollowView.as_view(), name="api-tag-follow"),
    path("search/videos", search_api.SearchVideosView.as_view(), name="api-search-videos"),
    path("search/creators", search_api.SearchCreatorsView.as_view(), name="api-search-creators"),
    path("search/hashtags", search_api.SearchHashtagsView.as_view(), name="api-search-hashtags"),
    path("search/suggest", search_api.SearchSuggestView.as_view(), name="api-search-suggest"),
    path("me/interests", welcome.InterestsView.as_view(), name="api-me-interests"),
    path("reports", views.ReportCreateView.as_view(), name="api-reports"),
    path("videos/<uuid:public_id>/report", views.ReportView.as_view(), name="api-report"),
    path("studio/analytics/overview", analytics.StudioAnalyticsOverviewView.as_view(), name="api-analytics"),
    path(
        "studio/analytics/videos/<uuid:public_id>",
        analytics.StudioVideoAnalyticsView.as_view(),
        name="api-analytics-video",
    ),
    path("studio/analytics/audience", analytics.StudioAudienceView.as_view(), name="api-analytics-audience"),
    path(
        "studio/analytics/export", analytics.StudioAnalyticsExportView.as_view(), name="api-analytics-export"
    ),
]
