"""The feed pages, the hashtag pages and the feeds admin in German: no English left on them
(``tests.german``), with videos, sponsored slots and empty states, and German plurals and numbers."""

import pytest
from django.test import Client

from creators.models import Hashtag, Video
from feeds import sponsored
from feeds.models import CreatorDay, HashtagStats
from feeds.search.models import SearchNotice
from feeds.tags.services import hashtags_rollup
from platform import age, screen_time
from platform.models import ScreenTimeDay
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"Accept-Language": "de"}


def _german(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url, headers=GERMAN)
    assert response.status_code == status, url
    html = response.content.decode()
    assert 'lang="de"' in html.split("<head")[0]
    assert english_on_page(html) == [], english_on_page(html)
    return html


def _videos() -> list[Video]:
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    return [
        published_video(owner=creator, topics=("food",), caption=f"Frische Brezn Nummer {index} #brezn")
        for index in range(3)
    ]


def test_for_you_with_videos_is_german(client):
    _videos()
    client.force_login(UserFactory.create(region="DE-BY"))
    html = _german(client, "/")
    assert 'aria-label="Gefällt mir"' in html  # the rail's buttons, named for screen readers
    assert ">Nichts für mich<" in html
    assert "Warum du das siehst" in html
    assert "Dieses Video melden" in html


@pytest.mark.parametrize(
    "url",
    ["/feed/following/", "/feed/topics/stem/", "/feed/topics/news/", "/feed/topics/sports/", "/feed/local/"],
)
def test_empty_feeds_are_german_for_a_visitor_and_a_member(client, url):
    _german(client, url)
    client.force_login(UserFactory.create())
    _german(client, url)


def test_an_empty_for_you_and_a_topic_feed_are_german(client):
    html = _german(client, "/")
    assert "Noch niemand hat ein Video veröffentlicht." in html
    published_video(topics=("food",), caption="Weißwurstfrühstück")
    _german(client, "/feed/topics/food/")


def test_a_video_page_in_the_player_is_german(client):
    video = _videos()[0]
    html = _german(client, f"/v/{video.public_id}/")
    assert "Folgen" in html


def test_the_screen_time_limit_says_its_minutes_in_german(client):
    user = UserFactory.create(date_of_birth=born_years_ago(30))
    screen_time.screen_time_limit_set(user=user, minutes=30, actor=user)
    ScreenTimeDay.objects.create(user=user, day=age.screen_time_day(user=user), seconds=31 * 60)
    client.force_login(user)
    html = _german(client, "/")
    assert "Du hast dein heutiges Limit von 30 Minuten erreicht" in html
    assert "Der Feed ist morgen wieder da." in html


class _OneSlot:
    """A sponsored-slot provider, as ``businesses`` registers one."""

    def __init__(self, video):
        self.video = video

    def slot_for(self, *, viewer, feed, exclude_video_ids, topic_interest, hidden_creators=None):
        return sponsored.SponsoredSlot(
            video_id=self.video.pk,
            sponsor_name="Bäckerei Huber",
            click_url="https://example.com",
            promotion_id=1,
        )

    def impressions_record(self, *, viewer, video_ids, now):
        pass


def test_a_sponsored_slot_is_labelled_in_german(client):
    videos = [published_video(owner=CreatorFactory.create(), caption=f"Alm {index}") for index in range(8)]
    previous = sponsored.provider()
    sponsored.register_provider(_OneSlot(videos[0]))
    try:
        client.force_login(UserFactory.create(date_of_birth=born_years_ago(30)))
        html = _german(client, "/")
    finally:
        sponsored.register_provider(previous)
    assert "Gesponsert</span> · bezahlt von" in html
    assert (
        "Bezahlt von Bäckerei Huber." in html.encode().decode("unicode_escape", "ignore")
        or "Bezahlt von" in html
    )


def test_a_hashtag_page_with_videos_is_german_with_its_plurals(client):
    videos = _videos()
    for video in videos:
        video.hashtags.add(Hashtag.objects.get_or_create(name="brezn")[0])
    hashtags_rollup()
    html = _german(client, "/tag/brezn")
    assert "3 Videos" in html
    client.force_login(UserFactory.create())
    html = _german(client, "/tag/brezn")
    assert ">Folgen<" in html


def test_an_empty_hashtag_page_is_german(client):
    Hashtag.objects.create(name="leer")
    html = _german(client, "/tag/leer")
    assert "Noch ist nichts im Trend." in html or "Noch keine Videos" in html


def test_the_feeds_admin_is_german(client):
    video = _videos()[0]
    hashtag = Hashtag.objects.get_or_create(name="brezn")[0]
    HashtagStats.objects.create(hashtag=hashtag, videos=4166, views=12000)
    CreatorDay.objects.create(creator=video.owner, day="2026-12-06", views=4166)
    notice = SearchNotice.objects.create(
        terms="wahl", message="Offizielle Informationen zur Wahl", link_url="https://www.bundeswahlleiterin.de",
        link_label="Zur Bundeswahlleiterin",
    )  # fmt: skip
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    html = _german(client, "/admin/feeds/creatorday/")
    assert "6. Dezember 2026" in html  # the day column, as German writes a date
    _german(client, "/admin/feeds/hashtagstats/")
    html = _german(client, "/admin/feeds/searchnotice/")
    html = _german(client, f"/admin/feeds/searchnotice/{notice.pk}/change/")
    assert "Begriffe" in html
