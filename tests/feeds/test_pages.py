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
