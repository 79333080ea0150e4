"""The search API: results, paging, suggestions, notices, the schema, the throttle, and every kind of bad
input answered clearly (400 with a code, or no results), never a 500, with nothing written."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from creators.models import Video
from feeds.api.search import SearchVideoSerializer, search_video_items
from feeds.models import InterestProfile
from feeds.search.models import SearchNotice
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

ENDPOINTS = ["api-search-videos", "api-search-creators", "api-search-hashtags", "api-search-suggest"]


@pytest.fixture
def bakery(indexed):
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    pretzel = published_video(owner=creator, caption="Warm Brezn, fresh from the oven #pretzel #munich")
    indexed(pretzel, published_video(caption="Football in the park #football"))
    return pretzel


def test_videos_answer_with_the_video_its_creator_and_a_link(api_client, bakery):
    body = api_client.get(reverse("api-search-videos"), {"q": "brezn"}).json()
    assert body["next"] is None
    assert body["notices"] == []
    assert [item["id"] for item in body["results"]] == [str(bakery.public_id)]
    item = body["results"][0]
    assert item["creator"] == {"handle": "baeckerei_huber", "display_name": "Bäckerei Huber"}
    assert item["url"] == bakery.get_absolute_url()
    assert item["caption"] == bakery.caption


def test_a_video_item_is_what_its_documented_serializer_writes(api_client, bakery):
    no_poster = published_video(caption="Brezn without a cover", poster="", published_at=None)
    bakery.poster.name = f"videos/{bakery.public_id.hex}/poster-1a2b3c4d.jpg"
    bakery.save(update_fields=["poster"])
    videos = list(Video.objects.filter(pk__in=[bakery.pk, no_poster.pk]).order_by("pk"))
    assert search_video_items(videos) == list(SearchVideoSerializer(videos, many=True).data)
    assert search_video_items(videos)[0]["poster_url"].endswith("?v=poster-1a2b3c4d")
    assert search_video_items(videos)[1]["poster_url"] is None


def test_videos_page_with_a_cursor(api_client, indexed):
    videos = [published_video(caption=f"Paging kitten {index}") for index in range(25)]
    indexed(*videos)
    first = api_client.get(reverse("api-search-videos"), {"q": "kitten"}).json()
    assert len(first["results"]) == 20
    assert first["next"] is not None
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    seen = {item["id"] for item in first["results"]} | {item["id"] for item in second["results"]}
    assert seen == {str(video.public_id) for video in videos}


def test_creators_hashtags_and_suggestions(api_client, bakery):
    creators = api_client.get(reverse("api-search-creators"), {"q": "backerei"}).json()["results"]
    assert [(item["handle"], item["video_count"]) for item in creators] == [("baeckerei_huber", 1)]
    hashtags = api_client.get(reverse("api-search-hashtags"), {"q": "pretzl"}).json()["results"]
    assert hashtags == [{"name": "pretzel", "url": "/tag/pretzel", "video_count": 1}]
    suggest = api_client.get(reverse("api-search-suggest"), {"q": "mun"}).json()["results"]
    assert suggest == [{"kind": "hashtag", "label": "#munich", "url": "/tag/munich"}]


def test_a_watched_term_shows_its_notice(api_client, bakery):
    SearchNotice.objects.create(
        terms="election fraud\nwahlbetrug",
        message="Get the facts about elections.",
        link_url="https://example.org/",
    )
    body = api_client.get(reverse("api-search-videos"), {"q": "Election  FRAUD video"}).json()
    assert body["notices"] == [
        {
            "message": "Get the facts about elections.",
            "link_url": "https://example.org/",
            "link_label": "Learn more",
        }
    ]
    assert api_client.get(reverse("api-search-videos"), {"q": "election"}).json()["notices"] == []
    assert len(api_client.get(reverse("api-search-videos"), {"q": "Wahlbetrug"}).json()["notices"]) == 1


def test_notices_are_read_once_and_follow_every_change(api_client, bakery):
    """The notices are cached, yet a notice added, edited, switched off or deleted shows at the next search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def notices(words: str) -> list[str]:
        body = api_client.get(reverse("api-search-videos"), {"q": words}).json()
        return [notice["message"] for notice in body["notices"]]

    assert notices("election fraud") == []
    notice = SearchNotice.objects.create(
        terms="election fraud", message="Get the facts.", link_url="https://example.org/"
    )
    assert notices("election fraud") == ["Get the facts."]
    with CaptureQueriesContext(connection) as queries:
        assert notices("fraud election") == ["Get the facts."]
    assert not [query for query in queries.captured_queries if "feeds_searchnotice" in query["sql"]]
    notice.message = "The facts about elections."
    notice.save()
    assert notices("election fraud") == ["The facts about elections."]
    notice.is_active = False
    notice.save()
    assert notices("election fraud") == []
    notice.is_active = True
    notice.save()
    notice.delete()
    assert notices("election fraud") == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("typed", "code"),
    [("", "blank"), ("a", "min_length"), ("x" * 500, "max_length"), ("x" * 101, "max_length")],
)
def test_a_query_of_the_wrong_length_is_a_400_with_a_code_and_writes_nothing(
    api_client, bakery, endpoint, typed, code
):
    user = UserFactory.create()
    api_client.force_authenticate(user)
    response = api_client.get(reverse(endpoint), {"q": typed})
    assert response.status_code == 400
    assert response.json()["codes"] == {"q": [code]}
    assert response.json()["q"]
    assert not InterestProfile.objects.filter(user=user).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("typed", ["   ", "\x01\x02\x03", "\u200b\u200b", "--", "**", '""', "()"])
def test_nothing_searchable_finds_nothing_and_writes_nothing(api_client, bakery, endpoint, typed):
    user = UserFactory.create()
    api_client.force_authenticate(user)
    response = api_client.get(reverse(endpoint), {"q": typed})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert not InterestProfile.objects.filter(user=user).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_nul_character_is_a_400(api_client, bakery, endpoint):
    response = api_client.get(reverse(endpoint), {"q": "brezn\x00"})
    assert response.status_code == 400
    assert response.json()["codes"] == {"q": ["null_characters_not_allowed"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '""',
        "**",
        "NEAR",
        "a OR b",
        "((",
        "'; DROP TABLE x; --",
        "-brezn",
        "brezn*",
        'NEAR("a" "b")',
        "\u200b\u200b",
    ],
)
def test_operator_syntax_is_plain_text_never_a_500(api_client, bakery, endpoint, typed):
    response = api_client.get(reverse(endpoint), {"q": typed})
    assert response.status_code in {200, 400}, response.content
    if response.status_code == 400:
        assert response.json()["codes"] == {"q": ["min_length"]}


def test_operators_around_a_word_still_find_it(api_client, bakery):
    for typed in ("brezn*", "-brezn", '"brezn"', "(brezn)", "brezn!!", "'brezn'"):
        results = api_client.get(reverse("api-search-videos"), {"q": typed}).json()["results"]
        assert [item["id"] for item in results] == [str(bakery.public_id)], typed


def test_a_bad_cursor_is_a_400(api_client, bakery):
    response = api_client.get(reverse("api-search-videos"), {"q": "brezn", "cursor": "-1"})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_search_is_throttled_per_client(api_client, bakery, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "search": "3/min"},
    }
    cache.clear()
    statuses = [api_client.get(reverse("api-search-suggest"), {"q": "mu"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_schema_documents_search(api_client):
    schema = api_client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    for path in ("videos", "creators", "hashtags", "suggest"):
        operation = schema["paths"][f"/api/v1/search/{path}"]["get"]
        assert operation["tags"] == ["Search"]
        assert "q" in {parameter["name"] for parameter in operation["parameters"]}


def test_a_results_page_costs_the_same_queries_however_many_videos(api_client, indexed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(word: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(reverse("api-search-videos"), {"q": word}).status_code == 200
        return len(queries)

    indexed(*[published_video(caption=f"Apple {index} #apple") for index in range(2)])
    indexed(*[published_video(caption=f"Mango {index} #mango") for index in range(15)])
    cost("apple")  # the first request warms what is read once per process (the throttle's cache, topics)
    assert cost("apple") == cost("mango")


def test_at_the_days_screen_time_limit_search_serves_no_videos(api_client, client, bakery):
    from platform import age
    from platform.models import ScreenTimeDay
    from tests.factories import born_years_ago

    teen = UserFactory.create(date_of_birth=born_years_ago(14), daily_limit_minutes=10)
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=600)
    api_client.force_authenticate(teen)
    response = api_client.get(reverse("api-search-videos"), {"q": "brezn"})
    assert response.status_code == 403
    assert response.json()["code"] == "screen_time_locked"
    client.force_login(teen)
    page = client.get(reverse("search"), {"q": "brezn"})
    assert bakery.get_absolute_url() not in page.content.decode()
    # Creators and hashtags list no videos: still answered.
    assert api_client.get(reverse("api-search-creators"), {"q": "huber"}).status_code == 200
