"""Refusals and missing pages look like the site (header and all) and say why, escaped."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from businesses.models import BusinessProfile
from platform.views.errors import page_not_found, permission_denied
from tests.factories import CreatorFactory, born_years_ago

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("years", [13, 15, 16, 17])
def test_teen_opening_the_business_dashboard_reads_why_on_a_styled_page(client, years):
    teen = CreatorFactory.create(user__date_of_birth=born_years_ago(years), user__display_name="Tess")
    client.force_login(teen.user)

    response = client.get("/business/")

    content = response.content.decode()
    assert response.status_code == 403
    assert '<header class="topbar">' in content
    assert 'data-testid="account-menu"' in content  # the site's header, signed in
    assert (
        '<p class="lead" data-testid="error-reason">Business accounts and promotions are for adults (18+).</p>'
        in content
    )
    assert "<title>Not allowed · Joyreel</title>" in content
    assert not BusinessProfile.objects.exists()


def test_refusal_reason_is_escaped():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied('<script>alert("x")</script>'))

    content = response.content.decode()
    assert response.status_code == 403
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_refusal_without_a_reason_says_so_plainly():
    response = permission_denied(RequestFactory().get("/x/"), PermissionDenied())

    assert response.status_code == 403
    assert "Your account doesn't have access to it." in response.content.decode()
    assert "error-reason" not in response.content.decode()


def test_missing_video_says_what_is_missing(client):
    response = client.get(reverse("creators:video", args=[uuid.uuid4()]))

    content = response.content.decode()
    assert response.status_code == 404
    assert '<header class="topbar">' in content
    assert '<p class="lead" data-testid="error-reason">No such video.</p>' in content


def test_unknown_address_gives_away_nothing_of_the_urlconf(client):
    response = client.get("/no/such/page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in content
    assert "error-reason" not in content
    assert "Resolver404" not in content
    assert "tried" not in content


def test_djangos_model_lookup_message_stays_in_the_log():
    request = RequestFactory().get("/x/")

    response = page_not_found(request, Http404("No User matches the given query."))

    assert response.status_code == 404
    assert "User" not in response.content.decode()
