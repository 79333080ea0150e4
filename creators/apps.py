"""App configuration of `creators`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = gettext_lazy("Creators")  # the admin's breadcrumbs and headings name the app by this
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from creators import personal_data
        from platform.personal_data import register_personal_data

        register_personal_data(
            app="creators",
            exporter=personal_data.creators_export,
            eraser=personal_data.creators_erase,
            files=personal_data.FILES,
        )
        # The conversation's part: registered after creators, so erased before the videos it is on.
        from creators.comments import personal_data as comments_data

        register_personal_data(
            app="comments",
            exporter=comments_data.comments_export,
            eraser=comments_data.comments_erase,
            files=comments_data.FILES,
        )
