"""The studio's list: each video's views, its curated topics' review state, and "Promote" on the videos
a promotion may show (an adult's own), in a number of queries that does not grow with the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from businesses.models import BusinessProfile
from creators.models import Video
from feeds.models import VideoStats
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, VideoFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def promote_href(video: Video) -> str:
    return f"{reverse('businesses:promotion_new')}?video={video.public_id}"


def test_studio_list_shows_views_and_topic_review_state(client):
    creator = CreatorFactory.create()
    watched = published_video(owner=creator, caption="Watched a lot", topics=("stem",), review="pending")
    VideoStats.objects.create(video=watched, impressions=1234)
    rejected = published_video(
        owner=creator, caption="Turned down", topics=("stem", "art"), review="rejected"
    )
    client.force_login(creator.user)

    response = client.get(reverse("creators:studio"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'title="1234 views">1.2K views</span>' in content
    assert 'title="0 views">0 views</span>' in content
    rows = {row.video.pk: row for row in response.context["rows"]}
    assert rows[watched.pk].views == 1234
    assert [(r.topic.slug, r.review_state) for r in rows[watched.pk].topic_reviews] == [("stem", "pending")]
    # Art is not a reviewed topic: only STEM's review is shown.
    assert [(r.topic.slug, r.review_state) for r in rows[rejected.pk].topic_reviews] == [("stem", "rejected")]
    assert "STEM: Waiting for review" in content
    assert "STEM: Rejected" in content


def test_promote_shows_on_an_adults_eligible_videos_only(client):
    creator = CreatorFactory.create()
    eligible = published_video(owner=creator, caption="Our new bakery")
    draft = VideoFactory.create(owner=creator, state=Video.State.DRAFT, published_at=None)
    followers_only = published_video(owner=creator, visibility=Video.Visibility.FOLLOWERS)
    mature = published_video(owner=creator, content_level=Video.ContentLevel.MATURE)
    held = published_video(owner=creator, moderation_state=Video.Moderation.REVIEW)
    someone_elses = published_video()
    client.force_login(creator.user)

    response = client.get(reverse("creators:studio"))

    promote = {row.video.pk: row.promote_url for row in response.context["rows"]}
    assert promote == {
        eligible.pk: promote_href(eligible),
        draft.pk: None,
        followers_only.pk: None,
        mature.pk: None,
        held.pk: None,
    }
    content = response.content.decode()
    assert content.count('data-testid="promote"') == 1
    assert f'href="{promote_href(eligible)}"' in content
    assert str(someone_elses.public_id) not in content
    # Asking wrote nothing: no business profile was made on the way.
    assert not BusinessProfile.objects.exists()


@pytest.mark.parametrize("years", [13, 16, 17])
def test_minor_never_sees_promote(client, years):
    creator = CreatorFactory.create(user__date_of_birth=born_years_ago(years))
    video = published_video(owner=creator)
    client.force_login(creator.user)

    studio = client.get(reverse("creators:studio"))
    edit = client.get(reverse("creators:studio_video", args=[video.public_id]))

    assert [row.promote_url for row in studio.context["rows"]] == [None]
    for response in (studio, edit):
        assert 'data-testid="promote"' not in response.content.decode()
        assert reverse("businesses:promotion_new") not in response.content.decode()


def test_the_video_page_in_the_studio_offers_promote_when_eligible(client):
    business = BusinessFactory.create()
    eligible = published_video(owner=business.creator, topics=("stem",), review="pending")
    draft = VideoFactory.create(owner=business.creator, state=Video.State.DRAFT, published_at=None)
    client.force_login(business.creator.user)

    page = client.get(reverse("creators:studio_video", args=[eligible.public_id])).content.decode()
    draft_page = client.get(reverse("creators:studio_video", args=[draft.public_id])).content.decode()

    assert f'href="{promote_href(eligible)}" data-testid="promote"' in page
    assert "STEM: Waiting for review" in page
    assert 'data-testid="promote"' not in draft_page


def _studio_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("creators:studio")).status_code == 200
    return len(queries)


def test_studio_list_queries_do_not_grow_with_the_videos(client):
    business = BusinessFactory.create()
    creator = business.creator
    client.force_login(creator.user)
    for _ in range(2):
        video = published_video(owner=creator, topics=("stem",), review="pending")
        VideoStats.objects.create(video=video, impressions=5)
    few = _studio_queries(client)
    for _ in range(8):
        video = published_video(owner=creator, topics=("stem", "news"), review="approved")
        VideoStats.objects.create(video=video, impressions=7)
    VideoFactory.create(owner=creator, state=Video.State.DRAFT, published_at=None)

    many = _studio_queries(client)

    assert many == few
    # session, user, creator, videos, their topic reviews, views, promotable ones, follow requests,
    # the bell's count, the header's business entry, the comments waiting for approval
    assert many == 11


def test_studio_links_a_business_to_its_dashboard_only(client):
    business = BusinessFactory.create()
    client.force_login(business.creator.user)
    content = client.get(reverse("creators:studio")).content.decode()
    assert (
        '<a class="button button-ghost" href="/business/" data-testid="studio-business">Business</a>'
        in content
    )

    client.force_login(CreatorFactory.create().user)
    assert 'data-testid="studio-business"' not in client.get(reverse("creators:studio")).content.decode()
