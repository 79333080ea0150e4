"""One typed Viewer per request: who is asking, their age policy, their region, their feed key."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feeds.models import InterestProfile
from platform import age
from platform.viewer import COOKIE_NAME, viewer_cookie_update, viewer_for_user, viewer_of
from tests.factories import UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def anonymous_request(cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request.COOKIES.update(cookies or {})
    return request


def test_an_anonymous_visitor_gets_a_random_key_kept_in_a_signed_cookie_and_the_strictest_policy():
    request = anonymous_request()
    viewer = viewer_of(request)
    assert viewer.user is None
    assert viewer.user_id is None
    assert not viewer.is_authenticated
    assert not viewer.is_known  # no cookie came: nothing is learnt for this key
    assert viewer.key.startswith("a:")
    assert len(viewer.key) == 26
    assert viewer.policy == age.policy_for_band(age.AgeBand.UNKNOWN)
    assert viewer.region == ""
    response = HttpResponse()
    viewer_cookie_update(request, response)
    assert not request.session.modified  # no session row for it
    # The next request with that cookie is the same, known, viewer.
    later = anonymous_request({COOKIE_NAME: response.cookies[COOKIE_NAME].value})
    assert viewer_of(later).key == viewer.key
    assert viewer_of(later).is_known
    again = HttpResponse()
    viewer_cookie_update(later, again)
    assert COOKIE_NAME not in again.cookies  # already has it


def test_the_viewer_is_built_once_per_request():
    request = anonymous_request()
    assert viewer_of(request) is viewer_of(request)


def test_a_logged_in_viewer_carries_their_account_policy_and_region():
    teen = UserFactory.create(date_of_birth=born_years_ago(15), region="DE-BE")
    request = RequestFactory().get("/")
    request.user = teen
    request.session = SessionStore()
    viewer = viewer_of(request)
    assert viewer.user == teen
    assert viewer.key == f"u:{teen.pk}"
    assert viewer.policy.band == age.AgeBand.TEEN_13_15
    assert not viewer.policy.may_see_mature_content
    assert viewer.region == "DE-BE"
    response = HttpResponse()
    viewer_cookie_update(request, response)
    assert COOKIE_NAME not in response.cookies


def test_an_api_token_makes_the_viewer_the_tokens_user():
    adult = UserFactory.create()
    video = published_video()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=adult).key}")
    event = {"event_id": "5f0c3a46-4a0e-4d4e-9f0e-6b1b2b7d1a11", "video": str(video.public_id)}
    response = client.post(
        reverse("api-signals"),
        {"events": [{**event, "kind": "like", "source": "for_you"}]},
        format="json",
    )
    assert response.json()["accepted"] == 1
    assert InterestProfile.objects.get().viewer_key == f"u:{adult.pk}"


def test_a_viewer_outside_a_request_is_built_from_a_user_or_a_key():
    adult = UserFactory.create()
    assert viewer_for_user(adult).key == f"u:{adult.pk}"
    assert viewer_for_user(AnonymousUser(), key="a:fixed").key == "a:fixed"
    assert viewer_for_user(None).policy.may_see_promotions is False
