"""The feed pages render for every tab, with the first page inline and working without JavaScript."""

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


def test_minors_get_a_screen_time_reminder_setting(client):
    client.force_login(UserFactory.create(date_of_birth=born_years_ago(15)))
    html = client.get(reverse("home")).content.decode()
    assert 'data-screen-time-minutes="60"' in html


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
