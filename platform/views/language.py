"""The footer's language switcher: Django's ``set_language`` (the ``django_language`` cookie, back to the
page), and for a logged-in person the choice saved on the account, which wins on every device."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from platform import languages, services
from platform.models import User


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and language in languages.language_codes():
        services.user_language_set(user=user, language=language)
    return response
