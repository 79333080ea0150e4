"""Every rule the feeds keep, search keeps: the age bands, restricted mode, moderation and its labels,
visibility and privacy, blocks and mutes, run against search as the feeds' own matrix runs against them."""

import pytest

from creators import services as creator_services
from creators.models import Video
from feeds.search import selectors
from feeds.search.text import query_parse
from platform import blocking
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

WORD = "zebracrossing"


def found(viewer) -> set[int]:
    return {video.pk for video in selectors.videos_search(viewer=viewer, query=query_parse(WORD)).items}


@pytest.fixture
def world(indexed):
    creator = CreatorFactory.create()
    videos = {
        "fine": published_video(owner=creator, caption=f"{WORD} fine"),
        "mature": published_video(owner=creator, caption=f"{WORD} mature", content_level="mature"),
        "age_restricted": published_video(
            owner=creator, caption=f"{WORD} restricted", is_age_restricted=True
        ),
        "removed": published_video(owner=creator, caption=f"{WORD} removed", moderation_state="removed"),
        "limited": published_video(owner=creator, caption=f"{WORD} limited", moderation_state="limited"),
        "review": published_video(owner=creator, caption=f"{WORD} review", moderation_state="review"),
        "unverified": published_video(owner=creator, caption=f"{WORD} unverified", is_unverified=True),
        "private_video": published_video(owner=creator, caption=f"{WORD} private", visibility="private"),
        "followers_only": published_video(owner=creator, caption=f"{WORD} followers", visibility="followers"),
        "draft": published_video(owner=creator, caption=f"{WORD} draft", state=Video.State.DRAFT),
        "bio_under_review": published_video(
            owner=CreatorFactory.create(is_under_review=True), caption=f"{WORD} bio"
        ),
        "private_account": published_video(
            owner=CreatorFactory.create(user=UserFactory.create(is_private=True)), caption=f"{WORD} privacc"
        ),
        "teen_creator": published_video(
            owner=CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14))),
            caption=f"{WORD} teen",
        ),
    }
    indexed(*videos.values())
    return {name: video.pk for name, video in videos.items()}


NEVER = {
    "removed",
    "limited",
    "review",
    "unverified",
    "private_video",
    "followers_only",
    "draft",
    "bio_under_review",
    "private_account",
    "teen_creator",
}


@pytest.mark.parametrize(
    ("band", "years", "sees_mature"),
    [("13-15", 14, False), ("16-17", 16, False), ("adult", 30, True), ("anonymous", None, False)],
)
def test_the_age_band_matrix_holds_for_search(world, band, years, sees_mature):
    user = UserFactory.create(date_of_birth=born_years_ago(years)) if years is not None else None
    viewer = viewer_for_user(user, key=None if user else "a:matrix")
    expected = {"fine"} | ({"mature", "age_restricted"} if sees_mature else set())
    assert found(viewer) == {world[name] for name in expected}, band
    assert not found(viewer) & {world[name] for name in NEVER}


def test_restricted_mode_hides_mature_for_an_adult(world):
    adult = UserFactory.create(is_restricted_mode=True)
    assert found(viewer_for_user(adult)) == {world["fine"]}


def test_blocks_either_way_and_mutes_hide_a_creator(indexed):
    viewer = UserFactory.create()
    blocked, blocker, muted, other = (CreatorFactory.create() for _ in range(4))
    videos = {
        creator.pk: published_video(owner=creator, caption=f"{WORD} by someone")
        for creator in (blocked, blocker, muted, other)
    }
    indexed(*videos.values())
    creator_services.account_block(blocker=viewer, blocked=blocked.user)
    creator_services.account_block(blocker=blocker.user, blocked=viewer)
    blocking.mute_create(muter=viewer, muted=muted.user)
    assert found(viewer_for_user(viewer)) == {videos[other.pk].pk}
    assert found(viewer_for_user(None, key="a:someone")) == {video.pk for video in videos.values()}


def test_creators_tab_keeps_privacy_reviews_and_blocks():
    from feeds.search.indexing import creator_terms_refresh

    viewer = UserFactory.create()
    shown = CreatorFactory.create(display_name="Zebra Shown")
    private = CreatorFactory.create(display_name="Zebra Private", user=UserFactory.create(is_private=True))
    teen = CreatorFactory.create(
        display_name="Zebra Teen", user=UserFactory.create(date_of_birth=born_years_ago(14))
    )
    reviewed = CreatorFactory.create(display_name="Zebra Reviewed", is_under_review=True)
    blocked = CreatorFactory.create(display_name="Zebra Blocked")
    creator_terms_refresh([profile.pk for profile in (shown, private, teen, reviewed, blocked)])
    creator_services.account_block(blocker=blocked.user, blocked=viewer)
    page = selectors.creators_search(viewer=viewer_for_user(viewer), query=query_parse("zebra"))
    assert [hit.profile.pk for hit in page.items] == [shown.pk]
    creator_services.follow_create(follower=viewer, creator=private)
    creator_services.follow_approve(creator=private, follow_id=private.followers.get().pk)
    page = selectors.creators_search(viewer=viewer_for_user(viewer), query=query_parse("zebra"))
    assert {hit.profile.pk for hit in page.items} == {shown.pk, private.pk}
