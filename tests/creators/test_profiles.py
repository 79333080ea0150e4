"""Creator profiles and follows: handles, private accounts, follower counts and who sees what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from creators import selectors, services
from creators.models import CreatorProfile, Follow, Video
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def test_creator_profile_is_made_with_a_clean_handle():
    user = UserFactory.create(region="DE-BE")
    profile = services.creator_profile_create(
        user=user, handle="@Cleo.Makes", display_name=" Cleo ", bio="Hi", links=["https://example.com/a"]
    )
    assert (profile.handle, profile.display_name, profile.region) == ("Cleo.Makes", "Cleo", "DE-BE")
    assert profile.get_absolute_url() == "/@Cleo.Makes/"


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("ab", "3–30 letters"),
        (".dots", "3–30 letters"),
        ("has space", "3–30 letters"),
        ("x" * 31, "at most 30 characters"),
        ("admin", "That handle is reserved."),
        ("Studio", "That handle is reserved."),
        ("<script>", "3–30 letters"),
    ],
)
def test_bad_handles_are_refused_and_nothing_is_written(handle, message):
    with pytest.raises(ValidationError) as raised:
        services.creator_profile_create(user=UserFactory.create(), handle=handle, display_name="X")
    assert message in str(raised.value)
    assert CreatorProfile.objects.count() == 0


def test_handles_are_unique_whatever_their_case():
    services.creator_profile_create(user=UserFactory.create(), handle="sunny", display_name="A")
    with pytest.raises(ValidationError) as raised:
        services.creator_profile_create(user=UserFactory.create(), handle="SUNNY", display_name="B")
    assert "taken" in str(raised.value) or "already exists" in str(raised.value)
    assert CreatorProfile.objects.count() == 1


def test_links_must_be_web_addresses():
    with pytest.raises(ValidationError, match="is not a web address"):
        services.creator_profile_create(
            user=UserFactory.create(), handle="linky", display_name="L", links=["javascript:alert(1)"]
        )
    assert CreatorProfile.objects.count() == 0


def test_following_a_public_creator_counts_at_once_and_unfollow_uncounts():
    creator, fan = CreatorFactory.create(), UserFactory.create()
    follow = services.follow_create(follower=fan, creator=creator)
    assert follow.status == Follow.Status.APPROVED
    services.follow_create(follower=fan, creator=creator)  # twice is once
    creator.refresh_from_db()
    assert creator.follower_count == 1
    services.follow_delete(follower=fan, creator=creator)
    creator.refresh_from_db()
    assert creator.follower_count == 0
    assert Follow.objects.count() == 0


def test_you_cannot_follow_yourself():
    creator = CreatorFactory.create()
    with pytest.raises(ValidationError, match="can't follow yourself"):
        services.follow_create(follower=creator.user, creator=creator)
    assert Follow.objects.count() == 0


def test_teen_creator_profile_and_videos_show_only_to_approved_followers(client):
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14), is_private=True))
    VideoFactory.create(owner=teen, caption="teen video")
    stranger, fan = UserFactory.create(), UserFactory.create()
    follow = services.follow_create(follower=fan, creator=teen)
    assert follow.status == Follow.Status.PENDING
    for viewer in (stranger, fan):
        assert selectors.profile_is_visible(profile=teen, viewer=viewer_for_user(viewer)) is False
        assert list(selectors.videos_visible(viewer=viewer_for_user(viewer))) == []
    client.force_login(fan)
    page = client.get(reverse("creators:profile", args=[teen.handle]))
    assert "This account is private" in page.content.decode()
    assert "teen video" not in page.content.decode()

    services.follow_approve(creator=teen, follow_id=follow.pk)
    teen.refresh_from_db()
    assert teen.follower_count == 1
    assert selectors.profile_is_visible(profile=teen, viewer=viewer_for_user(fan)) is True
    assert [video.caption for video in selectors.videos_visible(viewer=viewer_for_user(fan))] == [
        "teen video"
    ]
    assert selectors.profile_is_visible(profile=teen, viewer=viewer_for_user(stranger)) is False


def test_a_thirteen_to_fifteen_creator_who_turns_public_is_still_followers_only():
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(15), is_private=False))
    VideoFactory.create(owner=teen)
    assert list(selectors.videos_visible(viewer=viewer_for_user(UserFactory.create()))) == []


@pytest.mark.parametrize(
    ("change", "visible_to_stranger", "visible_to_follower", "visible_to_owner"),
    [
        ({}, True, True, True),
        ({"visibility": Video.Visibility.FOLLOWERS}, False, True, True),
        ({"visibility": Video.Visibility.PRIVATE}, False, False, True),
        ({"moderation_state": Video.Moderation.REMOVED}, False, False, False),
        ({"state": Video.State.DRAFT}, False, False, False),
    ],
)
def test_video_visibility_rules(change, visible_to_stranger, visible_to_follower, visible_to_owner):
    video = VideoFactory.create(**change)
    stranger, follower = UserFactory.create(), UserFactory.create()
    services.follow_create(follower=follower, creator=video.owner)
    for viewer, expected in (
        (stranger, visible_to_stranger),
        (follower, visible_to_follower),
        (video.owner.user, visible_to_owner),
    ):
        assert (
            selectors.video_get_visible(public_id=video.public_id, viewer=viewer_for_user(viewer)) is not None
        ) is expected


def test_mature_videos_are_hidden_from_minors_and_anonymous_viewers():
    from django.contrib.auth.models import AnonymousUser

    video = VideoFactory.create(content_level=Video.ContentLevel.MATURE)
    adult, minor = UserFactory.create(), UserFactory.create(date_of_birth=born_years_ago(17))
    assert selectors.video_get_visible(public_id=video.public_id, viewer=viewer_for_user(adult)) is not None
    assert selectors.video_get_visible(public_id=video.public_id, viewer=viewer_for_user(minor)) is None
    assert (
        selectors.video_get_visible(public_id=video.public_id, viewer=viewer_for_user(AnonymousUser()))
        is None
    )


def test_minor_creators_cannot_mark_a_video_mature():
    video = VideoFactory.create(
        owner=CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(16)))
    )
    with pytest.raises(ValidationError, match="Only adults can post mature content"):
        services.video_update_details(
            video=video, caption="", topic_slugs=[], visibility="public", content_level="mature"
        )
    video.refresh_from_db()
    assert video.content_level == Video.ContentLevel.GENERAL


def test_caption_hashtags_and_curated_topics():
    video = VideoFactory.create()
    services.video_update_details(
        video=video,
        caption="Rockets! #Space #science #SPACE <b>bold</b>",
        topic_slugs=["stem", "comedy"],
        visibility="public",
        content_level="general",
    )
    assert sorted(tag.name for tag in video.hashtags.all()) == ["science", "space"]
    reviews = {vt.topic.slug: vt.review_state for vt in video.video_topics.select_related("topic")}
    assert reviews == {"stem": "pending", "comedy": "approved"}


def test_unknown_topic_is_refused_and_nothing_changes():
    video = VideoFactory.create(caption="before")
    with pytest.raises(ValidationError, match="Unknown topic: nope"):
        services.video_update_details(
            video=video, caption="after", topic_slugs=["nope"], visibility="public", content_level="general"
        )
    video.refresh_from_db()
    assert video.caption == "before"
    assert video.video_topics.count() == 0


def test_profile_page_escapes_user_text(client):
    creator = CreatorFactory.create(display_name="<img src=x onerror=alert(1)>", bio="<script>bad()</script>")
    VideoFactory.create(owner=creator, caption="<script>alert('caption')</script>")
    html = client.get(reverse("creators:profile", args=[creator.handle])).content.decode()
    assert "<script>bad()</script>" not in html
    assert "&lt;script&gt;bad()&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<script>alert(&#x27;caption&#x27;)</script>" not in html
    assert "&lt;script&gt;alert(&#x27;caption&#x27;)&lt;/script&gt;" in html


def test_seed_demo_videos_publishes_real_distinct_videos_once(settings, capsys, tmp_path):
    from django.core.management import call_command

    from creators.models import VideoTopic

    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    call_command("seed_demo_videos", limit=3)
    call_command("seed_demo_videos", limit=3)
    videos = list(Video.objects.order_by("pk"))
    assert [video.state for video in videos] == [Video.State.PUBLISHED] * 3
    assert {video.owner.handle for video in videos} == {"drnova"}
    assert all(video.poster.name and video.rendition.name and video.has_audio for video in videos)
    assert {(video.width, video.height) for video in videos} == {(360, 640)}
    assert {round(video.rendition_duration or 0, 1) for video in videos} == {5.0}
    assert len({video.caption for video in videos}) == 3
    stem = VideoTopic.objects.filter(topic__slug="stem")
    assert stem.count() == 3
    assert set(stem.values_list("review_state", flat=True)) == {"approved"}
    assert len(list((tmp_path / "demo-clips").glob("*.mp4"))) == 3  # drawn once, kept for next time
    assert "Demo videos exist (3)." in capsys.readouterr().out


def test_the_demo_world_is_a_small_living_world():
    from creators.models import Topic
    from devtools.demo.videos import clip_for
    from devtools.demo.world import PERSONAS, VIDEOS, title_of

    handles = {persona.handle: persona for persona in PERSONAS}
    assert len(PERSONAS) >= 8
    assert len(VIDEOS) >= 60
    assert {topic for video in VIDEOS for topic in video.topics} == set(
        Topic.objects.values_list("slug", flat=True)
    )
    assert all(handles[video.handle].is_verified_publisher for video in VIDEOS if "news" in video.topics)
    assert sum(1 for persona in PERSONAS if persona.region == "DE-BY") >= 5  # the demo viewer's Local
    titles = [title_of(video.caption) for video in VIDEOS]
    assert len(set(titles)) == len(titles)
    looks = {
        (clip.colours, clip.motion, clip.chord)
        for index, video in enumerate(VIDEOS)
        for clip in [clip_for(video, handles[video.handle], index)]
    }
    assert len(looks) == len(VIDEOS)


def test_the_profile_grid_shows_posters_with_duration_and_views_and_links_to_each_video(client):
    from feeds.models import VideoStats

    video = published_video(caption="Sourdough in <b>10</b> steps", duration=74.4)
    VideoStats.objects.create(video=video, impressions=15_300)
    quiet = published_video(owner=video.owner, duration=9.0)
    html = client.get(f"/@{video.owner.handle}/").content.decode()
    assert html.count('data-testid="profile-video"') == 2
    assert f'href="/v/{video.public_id}/?from=profile"' in html
    assert '<span class="video-card-duration">1:14</span>' in html
    assert "</svg>15K</span>" in html
    assert 'aria-label="15,300 views"' in html  # grouped in the page's language
    assert f'href="/v/{quiet.public_id}/?from=profile"' in html
    assert 'aria-label="0 views"' in html
    assert "&lt;b&gt;10&lt;/b&gt;" in html
    assert "<video" not in html


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (999, "999"), (1000, "1K"), (1234, "1.2K"), (15_300, "15K"), (2_500_000, "2.5M")],
)
def test_counts_are_shown_the_way_video_apps_show_them(count, shown):
    from creators.templatetags.creators import clock, compact_count

    assert compact_count(count) == shown
    assert clock(754.9) == "12:34"
