"""URLs of the account API under ``/api/v1/``."""

from django.urls import path

from platform.api import notifications, views

urlpatterns = [
    path("auth/signup", views.SignUpView.as_view(), name="api-signup"),
    path("auth/login", views.LogInView.as_view(), name="api-login"),
    path("auth/logout", views.LogOutView.as_view(), name="api-logout"),
    path("me", views.MeView.as_view(), name="api-me"),
    path("regions", views.RegionListView.as_view(), name="api-regions"),
    path("screen-time", views.ScreenTimeView.as_view(), name="api-screen-time"),
    path("screen-time/unlock", views.ScreenTimeUnlockView.as_view(), name="api-screen-time-unlock"),
    path("notifications", notifications.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/read", notifications.NotificationMarkReadView.as_view(), name="api-notifications-read"
    ),
    path(
        "notifications/unread-count",
        notifications.NotificationUnreadCountView.as_view(),
        name="api-notifications-unread-count",
    ),
]
