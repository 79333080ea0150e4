"""The "Visit website" redirect is no laundering link: only a verified business's website is linked, and
never between accounts where one blocked the other."""

import pytest
from django.test import Client

from businesses.models import BusinessProfile
from platform.blocking import block_create
from tests.businesses.factories import BusinessFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHISHING = "https://login-joyreel.example/verify?next=account"


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_unverified_business_shows_its_website_as_text_and_the_route_is_not_found(client):
    business = BusinessFactory.create(website=PHISHING, is_verified=False)
    handle = business.creator.handle
    page = client.get(f"/@{handle}/").content.decode()
    assert 'data-testid="visit-website"' not in page
    assert f'href="/@{handle}/website"' not in page
    assert (
        '<p class="muted" data-testid="website-text">Website (not verified): '
        '<span translate="no">https://login-joyreel.example/verify?next=account</span></p>'
    ) in page
    assert f'href="{PHISHING}' not in page
    response = client.get(f"/@{handle}/website")
    assert response.status_code == 404
    assert "Location" not in response
    assert BusinessProfile.objects.get().website_clicks == 0


def test_once_verified_the_same_website_is_linked_and_redirects(client):
    business = BusinessFactory.create(website=PHISHING, is_verified=True)
    handle = business.creator.handle
    assert 'data-testid="visit-website"' in client.get(f"/@{handle}/").content.decode()
    response = client.get(f"/@{handle}/website")
    assert (response.status_code, response["Location"]) == (302, PHISHING)


@pytest.mark.parametrize("who_blocked", ["business", "visitor"])
def test_a_block_either_way_closes_the_website_link(who_blocked):
    business = BusinessFactory.create(website="https://bea.example/", is_verified=True)
    visitor = UserFactory.create()
    owner = business.creator.user
    if who_blocked == "business":
        block_create(blocker=owner, blocked=visitor)
    else:
        block_create(blocker=visitor, blocked=owner)
    response = _logged_in(visitor).get(f"/@{business.creator.handle}/website")
    assert response.status_code == 404
    assert "Location" not in response
    assert BusinessProfile.objects.get().website_clicks == 0
    # Anyone else still gets there.
    assert _logged_in(UserFactory.create()).get(f"/@{business.creator.handle}/website").status_code == 302
