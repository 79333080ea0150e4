"""App configuration of `businesses`: registers the sponsored-slot provider, the video listener, the
business shown on profile pages and the "Promote" links on a creator's own videos."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class BusinessesConfig(AppConfig):
    name = "businesses"
    verbose_name = gettext_lazy("Businesses")  # the admin's breadcrumbs and headings name the app by this
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from businesses import links, personal_data
        from businesses.selectors import is_verified_business, profile_badge
        from businesses.serving import slots
        from businesses.tasks import video_changed_listener
        from creators import hooks
        from feeds import sponsored
        from platform.personal_data import register_personal_data

        sponsored.register_provider(slots)
        hooks.on_video_changed(video_changed_listener)
        hooks.provide_profile_badge(profile_badge)
        hooks.provide_link_permission(is_verified_business)
        hooks.provide_promote_links(links.promote_links)
        register_personal_data(
            app="businesses",
            exporter=personal_data.businesses_export,
            eraser=personal_data.businesses_erase,
            files=personal_data.FILES,
        )
