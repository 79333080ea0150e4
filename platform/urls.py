"""The site's URLs: pages, accounts, the admin, the API and its docs, and the health check."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from platform import views
from platform.forms import EmailAuthenticationForm

admin.site.site_header = "Joyreel administration"
admin.site.site_title = "Joyreel admin"
admin.site.index_title = "Run the site"

urlpatterns = [
    # The home page is the For You feed; the feeds app serves it (a URL string, not an import).
    path("", include("feeds.home_urls")),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/settings/", views.account_settings, name="account_settings"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/<int:notification_id>/open", views.notification_open, name="notification_open"),
    path("notifications/read", views.notifications_mark_all_read, name="notifications_mark_all_read"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # ReDoc fetched its logo from the internet; Swagger UI (from the sidecar) serves offline.
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs"), name="api-redoc"),
    path("api/v1/", include("platform.api.urls")),
    path("api/v1/", include("creators.api.urls")),
    path("api/v1/", include("feeds.api.urls")),
    path("api/v1/", include("businesses.api.urls")),
    path("", include("creators.urls")),
    path("", include("feeds.urls")),
    path("", include("businesses.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
