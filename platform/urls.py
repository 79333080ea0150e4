"""The site's URLs: pages, accounts, the admin, the API and its docs, and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from platform import views
from platform.api.views import SchemaDocsView, SchemaView
from platform.forms import AccountLanguagePasswordResetForm
from platform.views.errors import api_json_errors, api_not_found

# Refusals, missing pages and unhandled errors in the site's own look, with the reason the view gave
# (under /api/, the API's JSON error shape).
handler403 = "platform.views.errors.permission_denied"
handler404 = "platform.views.errors.page_not_found"
handler500 = "platform.views.errors.server_error"

urlpatterns = [
    # First: a player's signal batches and feed pages are most of the site's requests, and Django tries
    # patterns in order (about 90 came before them: 0.09 ms a request). No other pattern matches these
    # paths, so the order changes nothing else.
    path("api/v1/", include("feeds.api.urls")),
    # The home page is the For You feed; the feeds app serves it (a URL string, not an import).
    path("", include("feeds.home_urls")),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("healthz", views.healthz, name="healthz"),
    # Our JavaScript's strings in the request's language (locale/*/LC_MESSAGES/djangojs.po): base.html
    # loads it before the modules, which read it through static/js/i18n.js.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The footer's language switcher (the cookie; for an account, also the account's language).
    path("i18n/language/", views.language_set, name="set_language"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/settings/", views.account_settings, name="account_settings"),
    path("accounts/confirm-email/send/", views.email_confirmation_resend, name="email_confirmation_resend"),
    path("accounts/confirm-email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("accounts/settings/screen-time/", views.account_screen_time_settings, name="account_screen_time"),
    path("accounts/screen-time/", views.screen_time_summary, name="screen_time"),
    path("accounts/screen-time/unlock/", views.screen_time_unlock, name="screen_time_unlock"),
    path("family/", views.family_page, name="family"),
    path("family/code/", views.family_code_create, name="family_code"),
    path("family/link/", views.family_link, name="family_link"),
    path("family/link/confirm/", views.family_link_confirm, name="family_link_confirm"),
    path("family/teens/<int:teen_id>/unlink/", views.family_unlink, name="family_unlink"),
    path("family/teens/<int:teen_id>/settings/", views.family_teen_settings, name="family_teen_settings"),
    path("family/teens/<int:teen_id>/passcode/", views.family_teen_passcode, name="family_teen_passcode"),
    # Logging in also keeps an account whose deletion was requested (platform.views.LoginView).
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/data/export/", views.data_export_start, name="data_export_start"),
    path("accounts/data/export/<str:token>/", views.data_export_download, name="data_export_download"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path("accounts/settings/blocks/<int:block_id>/remove", views.block_remove, name="block_remove"),
    path("accounts/settings/mutes/<int:mute_id>/remove", views.mute_remove, name="mute_remove"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/<int:notification_id>/open", views.notification_open, name="notification_open"),
    path("notifications/read", views.notifications_mark_all_read, name="notifications_mark_all_read"),
    # Django's, with the email in the account's language (before the include, which has the same URL).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=AccountLanguagePasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Admin pages of the apps above (transparency figures), before the admin's own catch-all.
    path("admin/", include("creators.trust.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SchemaDocsView.as_view(url_name="api-schema"), name="api-docs"),
    # ReDoc fetched its logo from the internet; Swagger UI (from the sidecar) serves offline.
    path(
        "api/redoc/",
        api_json_errors(RedirectView.as_view(pattern_name="api-docs", http_method_names=["get", "head"])),
        name="api-redoc",
    ),
    path("api/v1/", include("platform.api.urls")),
    path("api/v1/", include("creators.api.urls")),
    path("api/v1/", include("businesses.api.urls")),
    # Last under /api/: what no API route matched is the API's JSON 404, DEBUG on or off.
    re_path(r"^api(?:/(?P<path>.*))?$", api_not_found, name="api-not-found"),
    path("", include("creators.urls")),
    path("", include("feeds.urls")),
    path("", include("feeds.welcome.urls")),
    path("", include("businesses.urls")),
]

# No route serves MEDIA_ROOT, under any settings: originals, data exports and upload parts are never
# served by URL, and renditions, posters and avatars go through the views that check who may see them.
