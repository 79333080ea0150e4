"""The copy of whom a viewer's feeds never show, on their interest profile (``feeds.hidden_creators``):
kept right by every write that changes it, and used by the ranking so a blocked or muted creator's video
never takes a place on a page (which cost the page a refill query when one ranked high)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators import services as creator_services
from feeds import selectors, services
from feeds.models import InterestProfile
from platform.models import Block, Mute
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


def hidden_of(user) -> list[int]:
    return list(InterestProfile.objects.get(user=user).hidden_creators)


def profile_for(user) -> InterestProfile:
    return InterestProfile.objects.create(viewer_key=f"u:{user.pk}", user=user)


def test_blocks_and_mutes_made_and_lifted_are_copied_both_ways_for_blocks_one_way_for_mutes():
    alice, bob, carol = (CreatorFactory.create() for _ in range(3))
    for creator in (alice, bob, carol):
        profile_for(creator.user)

    creator_services.account_block(blocker=alice.user, blocked=bob.user)
    creator_services.account_mute(muter=alice.user, muted=carol.user)
    assert hidden_of(alice.user) == sorted([bob.pk, carol.pk])
    assert hidden_of(bob.user) == [alice.pk]  # a block works both ways
    assert hidden_of(carol.user) == []  # a mute one way

    creator_services.account_unblock(blocker=alice.user, blocked=bob.user)
    creator_services.account_unmute(muter=alice.user, muted=carol.user)
    assert hidden_of(alice.user) == []
    assert hidden_of(bob.user) == []


def test_a_block_written_outside_the_services_and_one_removed_by_a_cascade_are_copied_too():
    """The admin saves Block rows itself, and deleting an account deletes its blocks."""
    alice, bob = CreatorFactory.create(), CreatorFactory.create()
    profile_for(alice.user)
    Block.objects.create(blocker=alice.user, blocked=bob.user)
    assert hidden_of(alice.user) == [bob.pk]

    bob.user.delete()
    assert hidden_of(alice.user) == []


def test_a_profile_made_after_the_block_and_an_account_becoming_a_creator_later_get_their_copies():
    viewer = UserFactory.create()
    later_creator = UserFactory.create()
    muted = CreatorFactory.create()
    Mute.objects.create(muter=viewer, muted=muted.user)
    Block.objects.create(blocker=viewer, blocked=later_creator)

    # The viewer's first signal makes their profile: it starts with the copy.
    profile_for(viewer)
    assert hidden_of(viewer) == [muted.pk]

    became = CreatorFactory.create(user=later_creator)
    assert hidden_of(viewer) == sorted([muted.pk, became.pk])


def test_an_anonymous_profile_carried_over_at_log_in_gets_the_accounts_copy():
    viewer, muted = UserFactory.create(), CreatorFactory.create()
    Mute.objects.create(muter=viewer, muted=muted.user)
    InterestProfile.objects.create(viewer_key="a:anonymous-visitor")

    services.profile_merge(anonymous_key="a:anonymous-visitor", user=viewer)

    assert hidden_of(viewer) == [muted.pk]


def test_a_page_leaves_a_blocked_creator_out_before_ranking_so_it_needs_no_refill_query():
    """The blocked creator has the most, and the most watched, videos: before the copy they filled the
    top of the ranking and the page's last check dropped them, costing a fourth query."""
    viewer = UserFactory.create()
    blocked = CreatorFactory.create()
    for _ in range(30):
        published_video(owner=blocked, topics=("comedy",))
    for index in range(12):
        published_video(topics=(("stem", "food", "music")[index % 3],))
    page_viewer = viewer_for_user(viewer, key=f"u:{viewer.pk}")
    # The viewer loves comedy: the blocked creator's videos would rank first.
    services.signals_record(
        viewer=page_viewer,
        items=[
            services.SignalInput(
                event_id=uuid.uuid4(),
                video=video.public_id,
                kind="complete",
                source="for_you",
                watched_seconds=3.0,
            )
            for video in blocked.videos.all()[:5]
        ],
    )
    creator_services.account_block(blocker=blocked.user, blocked=viewer)
    selectors.feed_for_you(viewer=page_viewer)  # builds the catalog

    with CaptureQueriesContext(connection) as queries:
        page = selectors.feed_for_you(viewer=page_viewer)

    assert len(page.items) >= 5
    assert {item.video.owner_id for item in page.items}.isdisjoint({blocked.pk})
    assert len(queries) == 3, [query["sql"][:80] for query in queries]
