"""The ways to the business dashboard: the header's entry for business accounts, the settings' offer to
adult creators, and "Promote" in the player on one's own eligible videos; never for minors."""

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from businesses.links import BusinessLinks, business_links_of
from businesses.models import BusinessProfile
from creators.models import Video
from feeds import selectors
from feeds.api.serializers import feed_page_json
from feeds.selectors import FeedPage
from platform.viewer import viewer_for_user
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

HEADER_BUSINESS = 'href="/business/" data-testid="account-menu-business"'


def _header(content: str) -> str:
    return content.split('<header class="topbar">')[1].split("</header>")[0]


def test_business_account_finds_its_dashboard_in_the_header(client):
    business = BusinessFactory.create()
    client.force_login(business.creator.user)

    header = _header(client.get(reverse("guidelines")).content.decode())

    assert HEADER_BUSINESS in header
    assert '<a class="topnav-wide" href="/business/">Business</a>' in header


@pytest.mark.parametrize(
    "who", ["creator without a business", "viewer without a creator profile", "teen with a business row"]
)
def test_header_has_no_business_entry_for_others(client, who):
    if who == "creator without a business":
        user = CreatorFactory.create().user
    elif who == "viewer without a creator profile":
        user = UserFactory.create()
    else:
        # The service refuses minors; a row made around it (a birthday corrected later) still shows nothing.
        user = BusinessFactory.create(creator__user__date_of_birth=born_years_ago(16)).creator.user
    client.force_login(user)

    header = _header(client.get(reverse("guidelines")).content.decode())

    assert "/business/" not in header
    assert "Business" not in header


def test_anonymous_header_asks_nothing_about_businesses(client, django_assert_num_queries):
    assert business_links_of(user=AnonymousUser()) == BusinessLinks()
    with django_assert_num_queries(0):
        header = _header(client.get(reverse("guidelines")).content.decode())
    assert "/business/" not in header


def test_settings_offer_a_business_profile_to_adult_creators_without_one(client):
    creator = CreatorFactory.create()
    client.force_login(creator.user)

    content = client.get(reverse("account_settings")).content.decode()

    assert re.search(
        r'data-testid="become-business">.*<a class="button button-ghost button-small" href="/business/">Turn this into a business profile</a>',
        content,
        re.S,
    )
    assert not BusinessProfile.objects.exists()


@pytest.mark.parametrize("years", [13, 17])
def test_settings_offer_nothing_business_to_minors(client, years):
    creator = CreatorFactory.create(user__date_of_birth=born_years_ago(years))
    client.force_login(creator.user)

    content = client.get(reverse("account_settings")).content.decode()

    assert "Turn this into a business profile" not in content
    assert "/business/" not in content


def test_settings_of_a_business_link_its_dashboard_and_a_viewer_gets_no_offer(client):
    business = BusinessFactory.create()
    client.force_login(business.creator.user)
    content = client.get(reverse("account_settings")).content.decode()
    assert '<a href="/business/" data-testid="business-dashboard">Your business dashboard</a>' in content
    assert "Turn this into a business profile" not in content

    client.force_login(UserFactory.create())  # no creator profile: nothing to turn into a business
    content = client.get(reverse("account_settings")).content.decode()
    assert "Turn this into a business profile" not in content


def _player_items(client, video: Video) -> list[dict[str, Any]]:
    content = client.get(reverse("creators:video", args=[video.public_id])).content.decode()
    data = content.split('<script id="feed-items" type="application/json">')[1].split("</script>")[0]
    items: list[dict[str, Any]] = json.loads(data)
    return items


def test_player_offers_promote_on_the_owners_eligible_video_only(client):
    business = BusinessFactory.create()
    eligible = published_video(owner=business.creator)
    followers_only = published_video(owner=business.creator, visibility=Video.Visibility.FOLLOWERS)
    client.force_login(business.creator.user)

    [own] = _player_items(client, eligible)
    [not_public] = _player_items(client, followers_only)

    assert own["promote_url"] == f"/business/promotions/new?video={eligible.public_id}"
    assert not_public["promote_url"] is None

    client.force_login(UserFactory.create())  # someone else watching it
    [theirs] = _player_items(client, eligible)
    assert theirs["promote_url"] is None


def test_player_never_offers_promote_to_a_minor(client):
    teen = CreatorFactory.create(user__date_of_birth=born_years_ago(16))
    video = published_video(owner=teen)
    client.force_login(teen.user)

    [item] = _player_items(client, video)

    assert item["promote_url"] is None


def test_feed_page_asks_once_for_the_viewers_own_videos(django_assert_num_queries):
    creator = CreatorFactory.create()
    mine = [published_video(owner=creator) for _ in range(3)]
    others = [published_video() for _ in range(3)]
    loaded = Video.objects.select_related("owner__user").prefetch_related("hashtags", "video_topics__topic")
    by_pk = {video.pk: video for video in loaded.filter(pk__in=[video.pk for video in [*mine, *others]])}
    # Any list of feed items will do; loaded the way the feeds load them.
    items = selectors.following_items([by_pk[video.pk] for video in [*mine, *others]])
    viewer = viewer_for_user(creator.user)

    with django_assert_num_queries(1):
        data = feed_page_json(FeedPage(items=items, next_cursor=None), viewer=viewer)

    assert [item["promote_url"] is not None for item in data] == [True, True, True, False, False, False]
    with django_assert_num_queries(0):
        anonymous = feed_page_json(FeedPage(items=items, next_cursor=None), viewer=None)
    assert {item["promote_url"] for item in anonymous} == {None}


def test_the_headers_entry_leaves_a_pages_own_business_alone(client):
    """The header's tag names its result ``business_nav``: the dashboard's own ``business`` still shows."""
    business = BusinessFactory.create(legal_name="Rolls & Co GmbH")
    client.force_login(business.creator.user)

    content = client.get(reverse("businesses:home")).content.decode()

    assert "Rolls &amp; Co GmbH" in content
