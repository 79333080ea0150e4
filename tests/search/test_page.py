"""The /search page: tabs as links that work without JavaScript, escaped captions, the notice banner, and
a clear message for what can't be searched."""

import pytest
from django.urls import reverse

from feeds.search.models import SearchNotice
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(indexed):
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    pretzel = published_video(owner=creator, caption="Brezn <script>alert(1)</script> #brezn")
    mature = published_video(caption="Brezn after dark", content_level="mature")
    indexed(pretzel, mature)
    return pretzel, mature


def test_videos_tab_lists_results_with_escaped_captions(client, world):
    pretzel, mature = world
    response = client.get(reverse("search"), {"q": "brezn"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert pretzel.get_absolute_url() in body
    assert mature.get_absolute_url() not in body  # an anonymous viewer is not known to be an adult
    assert "@baeckerei_huber" in body
    for tab in ("videos", "creators", "hashtags"):
        assert f'href="/search?q=brezn&amp;tab={tab}"' in body


def test_an_adult_sees_the_mature_result_a_fifteen_year_old_does_not(client, world):
    _, mature = world
    client.force_login(UserFactory.create())
    assert mature.get_absolute_url() in client.get(reverse("search"), {"q": "brezn"}).content.decode()
    client.force_login(UserFactory.create(date_of_birth=born_years_ago(15)))
    assert mature.get_absolute_url() not in client.get(reverse("search"), {"q": "brezn"}).content.decode()


def test_creators_and_hashtags_tabs(client, world):
    creators = client.get(reverse("search"), {"q": "huber", "tab": "creators"}).content.decode()
    assert 'href="/@baeckerei_huber/"' in creators or "/@baeckerei_huber" in creators
    hashtags = client.get(reverse("search"), {"q": "brezn", "tab": "hashtags"}).content.decode()
    assert 'href="/tag/brezn"' in hashtags
    assert "1 video<" in hashtags


def test_the_notice_banner_shows_above_results(client, world):
    SearchNotice.objects.create(
        terms="brezn", message="Pretzels: the facts.", link_url="https://example.org/facts"
    )
    SearchNotice.objects.create(
        terms="brezn", message="Inactive one.", link_url="https://example.org/", is_active=False
    )
    body = client.get(reverse("search"), {"q": "Brezn"}).content.decode()
    assert body.count('data-testid="search-notice"') == 1
    assert "Pretzels: the facts." in body
    assert 'href="https://example.org/facts"' in body


@pytest.mark.parametrize("typed", ["a", "x" * 500])
def test_unsearchable_text_says_why(client, world, typed):
    response = client.get(reverse("search"), {"q": typed})
    assert response.status_code == 400
    assert 'data-testid="search-error"' in response.content.decode()


@pytest.mark.parametrize("typed", ['"', "NEAR", "((", "*", "brezn\x00", "\x07brezn", "-"])
def test_operators_and_control_characters_never_break_the_page(client, world, typed):
    response = client.get(reverse("search"), {"q": typed})
    assert response.status_code in {200, 400}


def test_an_empty_search_shows_the_box(client):
    response = client.get(reverse("search"))
    assert response.status_code == 200
    assert 'data-testid="search-results"' not in response.content.decode()


def test_every_page_has_the_search_box(client):
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="header-search"' in body
    assert 'action="/search"' in body


def test_the_demo_bakerys_pretzel_video_is_found_by_brezn(client, indexed):
    """``make run``'s bakery has a pretzel video that a search for "brezn" (and "pretzel") finds."""
    from devtools.demo.world import VIDEOS

    (caption,) = [
        video.caption for video in VIDEOS if video.handle == "beasbakery" and "pretzel" in video.caption
    ]
    bakery = CreatorFactory.create(handle="beasbakery", display_name="Bea's Bakery")
    pretzel = published_video(owner=bakery, caption=caption)
    other = published_video(caption="Sourdough at dawn #bread")
    indexed(pretzel, other)
    for words in ("brezn", "Brezn", "pretzel"):
        body = client.get(reverse("search"), {"q": words}).content.decode()
        assert pretzel.get_absolute_url() in body, words
        assert other.get_absolute_url() not in body
