"""The feed pages render for every tab, with the first page inline and working without JavaScript."""

import datetime
import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/feed/following/",
        "/feed/local/",
        "/feed/topics/stem/",
        "/feed/topics/news/",
        "/feed/topics/food/",
    ],
)
def test_every_feed_page_renders(client, url):
    client.force_login(UserFactory.create(region="DE-BY"))
    published_video(topics=("food",))
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="feed"' in response.content.decode()


def test_home_inlines_the_first_page_and_a_noscript_list(client):
    videos = [
        published_video(topics=(topic,), caption=f"<b>art {index}</b>")
        for index, topic in enumerate(["art", "food", "art"])
    ]
    response = client.get(reverse("home"))
    html = response.content.decode()
    items = json.loads(html.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert {item["video"]["id"] for item in items} == {str(video.public_id) for video in videos}
    assert "<noscript>" in html
    assert "<b>art 0</b>" not in html  # escaped everywhere
    assert f"/v/{videos[0].public_id}/" in html


def test_unknown_topic_is_404(client):
    assert client.get("/feed/topics/astrology/").status_code == 404


def test_minors_feed_page_carries_todays_screen_time(client):
    client.force_login(UserFactory.create(date_of_birth=born_years_ago(15)))
    html = client.get(reverse("home")).content.decode()
    status = json.loads(html.split('id="screen-time" type="application/json">')[1].split("</script>")[0])
    assert (status["limit_minutes"], status["minutes"], status["locked"]) == (60, 0, False)
    assert 'data-testid="screen-limit" aria-labelledby="feed-limit-title">' in html  # there, closed


@pytest.mark.parametrize(
    ("url", "region", "says"),
    [
        ("/feed/topics/stem/", "DE-BY", "STEM shows only videos a reviewer has checked."),
        ("/feed/topics/news/", "DE-BY", "News comes only from verified publishers."),
        ("/feed/topics/sports/", "DE-BY", "No Sports videos yet."),
        ("/feed/local/", "AT-9", "No one in your region has posted a video yet."),
        ("/feed/local/", "", "Tell us your region and this feed shows videos made there."),
    ],
)
def test_an_empty_tab_says_what_it_is_waiting_for(client, url, region, says):
    client.force_login(UserFactory.create(region=region))
    published_video(topics=("stem",), review="pending")  # waits for review: not in STEM yet
    html = client.get(url).content.decode()
    assert says in html
    assert 'data-testid="feed-empty">' in html  # shown, not hidden


def test_for_you_still_has_videos_for_a_viewer_who_has_seen_them_all(client):
    from feeds.models import InterestProfile

    viewer = UserFactory.create()
    videos = [published_video(topics=(topic,)) for topic in ("art", "food", "stem")]
    InterestProfile.objects.create(
        viewer_key=f"u:{viewer.pk}", user=viewer, seen=[video.pk for video in videos], weights={}
    )
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    items = json.loads(html.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert {item["video"]["id"] for item in items} == {str(video.public_id) for video in videos}
    assert 'data-testid="feed-empty" hidden' in html


def test_an_anonymous_following_tab_asks_to_log_in_and_gives_the_player_nothing_to_fetch(client):
    html = client.get("/feed/following/").content.decode()
    assert 'data-api-url=""' in html
    assert "Log in to watch new videos from the creators you follow." in html
    client.force_login(UserFactory.create())
    assert 'data-api-url="/api/v1/feeds/following"' in client.get("/feed/following/").content.decode()


def test_a_video_link_opens_the_player_at_that_video_then_for_you(client):
    video = published_video(caption="Why the sky is blue #physics")
    published_video(topics=("art",))
    html = client.get(f"/v/{video.public_id}/").content.decode()
    items = json.loads(html.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert [item["video"]["id"] for item in items] == [str(video.public_id)]
    assert items[0]["source"] == "link"
    assert items[0]["reasons"] == ["You opened a link to it"]
    assert 'data-api-url="/api/v1/feeds/for-you"' in html  # the player goes on with For You
    assert 'data-testid="why-button"' in html
    assert '<meta property="og:type" content="video.other">' in html


def test_from_a_profile_the_player_goes_on_with_that_creators_next_videos(client):
    from tests.factories import CreatorFactory

    creator = CreatorFactory.create()
    newest, middle, oldest = (published_video(owner=creator, caption=name) for name in ("c", "b", "a"))
    for age, video in enumerate((newest, middle, oldest)):
        video.published_at = datetime.datetime(2020 - age, 1, 1, tzinfo=datetime.UTC)
        video.save(update_fields=["published_at"])
    html = client.get(f"/v/{middle.public_id}/?from=profile").content.decode()
    items = json.loads(html.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert [item["video"]["caption"] for item in items] == ["b", "a", "c"]
    assert [item["source"] for item in items] == ["profile", "profile", "profile"]
    assert [item["position"] for item in items] == [0, 1, 2]


def test_a_video_the_viewer_may_not_see_has_no_page(client):
    assert client.get(f"/v/{published_video(visibility='private').public_id}/").status_code == 404
    minor = UserFactory.create(date_of_birth=born_years_ago(15))
    client.force_login(minor)
    assert client.get(f"/v/{published_video(content_level='mature').public_id}/").status_code == 404


def test_an_anonymous_visitor_picks_a_region_for_local_and_pages_on_in_it(client, settings):
    from tests.factories import CreatorFactory

    settings.FEED_PAGE_SIZE = 2
    bavarian = CreatorFactory.create(user__region="DE-BY", user__country="DE")
    for _ in range(5):
        published_video(owner=CreatorFactory.create(user__region="DE-BY", user__country="DE"))
    published_video(owner=bavarian)
    html = client.get("/feed/local/").content.decode()
    assert 'data-testid="region-choices"' in html
    assert '<a class="feed-chip" href="/feed/local/?region=DE-BY">Bayern</a>' in html
    picked = client.get("/feed/local/?region=DE-BY").content.decode()
    items = json.loads(picked.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert len(items) == 2
    assert 'data-next-url="/api/v1/feeds/local?region=DE-BY&amp;cursor=' in picked
    first = client.get("/api/v1/feeds/local?region=DE-BY").json()
    assert "region=DE-BY" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2  # still Bavaria on page two
    assert not {item["video"]["id"] for item in second["results"]} & {
        item["video"]["id"] for item in first["results"]
    }
