"""The hashtag rollup: each hashtag's counts and the trending hashtags per region, read by the API and pages."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from creators.models import Video
from feeds.models import HashtagStats, TrendingHashtag, VideoStats
from feeds.tags.services import hashtags_rollup
from feeds.tasks import hashtags_rollup_task
from tests.factories import CreatorFactory, UserFactory
from tests.tags.world import tagged_video

pytestmark = pytest.mark.django_db


def creator_in(region: str):
    return CreatorFactory.create(region=region)


def trend(video: Video, completions: float, impressions: int = 0) -> None:
    VideoStats.objects.update_or_create(
        video=video, defaults={"recent_completions": completions, "impressions": impressions}
    )


def test_the_rollup_counts_videos_and_views_and_ranks_trending_per_region():
    bavaria, hamburg = creator_in("DE-BY"), creator_in("DE-HH")
    trend(tagged_video("brezn", "munich", owner=bavaria), 9, impressions=100)
    trend(tagged_video("brezn", owner=bavaria), 3, impressions=20)
    trend(tagged_video("munich", owner=bavaria), 5)
    trend(tagged_video("fischbroetchen", owner=hamburg), 30, impressions=7)
    tagged_video("quiet", owner=hamburg)  # no completions: never trending
    trend(tagged_video("removed", owner=hamburg, moderation_state=Video.Moderation.REMOVED), 100)

    assert hashtags_rollup_task() == 4  # "removed" counts nowhere
    counts = {
        row.hashtag.name: (row.videos, row.views) for row in HashtagStats.objects.select_related("hashtag")
    }
    assert counts == {"brezn": (2, 120), "munich": (2, 100), "fischbroetchen": (1, 7), "quiet": (1, 0)}

    def ranking(region: str) -> list[tuple[int, str, float]]:
        return list(
            TrendingHashtag.objects.filter(region=region)
            .order_by("rank")
            .values_list("rank", "hashtag__name", "score")
        )

    assert ranking("DE-BY") == [(1, "munich", 14.0), (2, "brezn", 12.0)]
    assert ranking("DE-HH") == [(1, "fischbroetchen", 30.0)]
    assert ranking("") == [(1, "fischbroetchen", 30.0), (2, "munich", 14.0), (3, "brezn", 12.0)]


def test_a_second_run_replaces_the_first():
    video = tagged_video("brezn", owner=creator_in("DE-BY"))
    trend(video, 2)
    hashtags_rollup()
    Video.objects.filter(pk=video.pk).update(moderation_state=Video.Moderation.REMOVED)
    hashtags_rollup()
    assert not HashtagStats.objects.exists()
    assert not TrendingHashtag.objects.exists()


def test_the_api_answers_the_regions_list_or_everywheres(api_client):
    trend(tagged_video("brezn", owner=creator_in("DE-BY")), 5)
    trend(tagged_video("fischbroetchen", owner=creator_in("DE-HH")), 9)
    hashtags_rollup()
    body = api_client.get("/api/v1/tags/trending?region=DE-HH").json()
    assert body == {
        "region": "DE-HH",
        "results": [{"name": "fischbroetchen", "url": "/tag/fischbroetchen", "rank": 1, "score": 9.0}],
    }
    body = api_client.get("/api/v1/tags/trending?region=FR-IDF").json()  # none there: everywhere's
    assert body["region"] == ""
    assert [entry["name"] for entry in body["results"]] == [
        "fischbroetchen",
        "brezn",
    ]
    # Without ?region=, the viewer's own (UserFactory: DE-BY).
    api_client.force_authenticate(UserFactory.create())
    assert api_client.get("/api/v1/tags/trending").json()["region"] == "DE-BY"


def test_the_trending_api_refuses_an_overlong_region_and_reads_nothing_per_request(
    api_client, django_assert_num_queries
):
    response = api_client.get("/api/v1/tags/trending?region=" + "X" * 11)
    assert response.status_code == 400
    assert response.json()["codes"]["region"] == ["max_length"]
    with django_assert_num_queries(2):  # the region's list (empty), then everywhere's
        assert api_client.get("/api/v1/tags/trending?region=DE-BY").json() == {"region": "", "results": []}


def test_the_trending_include_for_the_search_page():
    trend(tagged_video("brezn", owner=creator_in("DE-BY")), 5)
    hashtags_rollup()
    request = RequestFactory().get("/search")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = Template("{% load trending_tags %}{% trending_tags %}").render(Context({"request": request}))
    assert 'href="/tag/brezn"' in html
    assert "Trending" in html


def test_the_tag_page_shows_trending_hashtags(client):
    trend(tagged_video("brezn", owner=creator_in("DE-BY")), 5)
    trend(tagged_video("munich", owner=creator_in("DE-BY")), 2)
    hashtags_rollup()
    body = client.get("/tag/munich").content.decode()
    assert 'data-testid="trending-tag" translate="no">#brezn<' in body
    assert 'data-testid="trending-tag" translate="no">#munich<' not in body  # not itself
