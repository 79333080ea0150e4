"""service_call: the one way a page shows a service's domain error, as form errors or a message."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from platform.errors import NotFound, RateLimited
from platform.views import service_call


def page_request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def said(request):
    return [(message.level_tag, message.message) for message in get_messages(request)]


class TitleForm(forms.Form):
    title = forms.CharField(required=False)


def test_a_refusal_becomes_one_error_message_and_no_success():
    request = page_request()
    with service_call(request, success="Saved.") as call:
        raise ValidationError(["Too short.", "Too plain."])
    assert (call.ok, said(request)) == (False, [("error", "Too short. Too plain.")])


def test_without_an_error_the_success_message_is_shown():
    request = page_request()
    with service_call(request, success="Saved.") as call:
        pass
    assert (call.ok, said(request)) == (True, [("success", "Saved.")])


def test_field_errors_go_to_the_forms_fields_renamed_and_nothing_is_said():
    request = page_request()
    form = TitleForm(data={"title": "x"})
    assert form.is_valid()
    with service_call(request, form=form, renames={"caption": "title"}) as call:
        raise ValidationError({"caption": "Too long.", "elsewhere": "Not here."})
    assert call.ok is False
    assert form.errors == {"title": ["Too long."], "__all__": ["Not here."]}
    assert said(request) == []


def test_a_rate_limit_says_its_message():
    request = page_request()
    with service_call(request) as call:
        raise RateLimited("Slow down.")
    assert (call.ok, said(request)) == (False, [("error", "Slow down.")])


def test_not_found_is_the_pages_404():
    with pytest.raises(Http404, match=r"No such account\."), service_call(page_request()):
        raise NotFound("No such account.")
