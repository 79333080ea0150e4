"""The search page in German: its tabs, results, empty results, refusals and the plural of a count, with
nothing left in English (``tests.german``); the search's words echoed back stay as typed."""

import pytest
from django.urls import reverse

from tests.factories import CreatorFactory, published_video
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"Accept-Language": "de"}


@pytest.fixture
def world(indexed):
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    videos = [
        published_video(owner=creator, caption=f"Brezn frisch aus dem Ofen {index} #brezn")
        for index in range(2)
    ]
    indexed(*videos)
    return videos


def _german(client, status=200, **query):
    response = client.get(reverse("search"), query, headers=GERMAN)
    assert response.status_code == status
    html = response.content.decode()
    assert english_on_page(html) == [], english_on_page(html)
    return html


@pytest.mark.parametrize(
    ("tab", "words"), [("videos", "brezn"), ("creators", "huber"), ("hashtags", "brezn")]
)
def test_every_tab_with_results_is_german(client, world, tab, words):
    html = _german(client, q=words, tab=tab)
    assert "Suchergebnisse für" in html
    assert 'data-testid="search-empty"' not in html
    if tab != "videos":
        assert "2 Videos" in html  # the creator's and the hashtag's count, in the plural


@pytest.mark.parametrize("tab", ["videos", "creators", "hashtags"])
def test_no_results_are_german_and_echo_the_words_as_typed(client, world, tab):
    html = _german(client, q="weißwurst", tab=tab)
    assert '„<span translate="no">weißwurst</span>“' in html


def test_the_empty_search_and_a_refusal_are_german(client):
    assert "Suche Videos nach ihren Wörtern, Hashtags oder Creatorn." in _german(client)
    html = _german(client, status=400, q="x")
    assert "Gib mindestens 2 Zeichen ein." in html
