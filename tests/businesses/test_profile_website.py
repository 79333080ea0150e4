"""A business shows as a business on /@handle, with a counted "Visit website" button once verified."""

import pytest
from django.test import Client

from businesses.models import BusinessProfile
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def test_a_business_profile_shows_the_business_and_a_visit_website_button(client):
    business = BusinessFactory.create(
        legal_name="Bea's <b>Bakery</b>",
        category="food_and_drink",
        region="DE-BY",
        website="https://bea.example/",
        is_verified=True,
    )
    handle = business.creator.handle
    page = client.get(f"/@{handle}/").content.decode()
    assert 'data-testid="profile-business"' in page
    assert "Bea&#x27;s &lt;b&gt;Bakery&lt;/b&gt;" in page
    assert "<b>Bakery</b>" not in page
    assert "Food &amp; drink · Bayern, Germany" in page
    assert (
        f'<a class="button button-small" href="/@{handle}/website" rel="noopener nofollow" target="_blank" '
        'data-testid="visit-website">Visit website</a>'
    ) in page
    # The page links to our counter, never straight to the website.
    assert "https://bea.example/" not in page


def test_visit_website_is_counted_and_redirects(client):
    business = BusinessFactory.create(website="https://bea.example/shop?x=1", is_verified=True)
    url = f"/@{business.creator.handle}/website"
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, "https://bea.example/shop?x=1")
    business.refresh_from_db()
    assert business.website_clicks == 1
    # The same visitor again today goes on without counting twice; another visitor counts.
    assert client.get(url)["Location"] == "https://bea.example/shop?x=1"
    assert Client().get(url).status_code == 302
    business.refresh_from_db()
    assert business.website_clicks == 2


def test_a_business_without_a_website_has_no_button_and_the_url_is_not_found(client):
    business = BusinessFactory.create(website="", is_verified=True)
    handle = business.creator.handle
    page = client.get(f"/@{handle}/").content.decode()
    assert 'data-testid="profile-business"' in page
    assert "Visit website" not in page
    assert 'data-testid="website-text"' not in page
    assert client.get(f"/@{handle}/website").status_code == 404
    assert BusinessProfile.objects.get().website_clicks == 0


def test_a_creator_that_is_not_a_business_shows_no_business_and_no_button(client):
    creator = CreatorFactory.create()
    page = client.get(f"/@{creator.handle}/").content.decode()
    assert 'data-testid="profile-business"' not in page
    assert "Visit website" not in page
    assert client.get(f"/@{creator.handle}/website").status_code == 404
    assert client.get("/@nobody_here/website").status_code == 404
