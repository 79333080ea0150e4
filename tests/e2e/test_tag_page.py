"""On a phone: a hashtag in a video's caption opens the hashtag's page with its videos; the viewer follows it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from creators.models import Hashtag, Video
from feeds.models import HashtagFollow, VideoStats
from feeds.tags.services import hashtags_rollup
from tests.clips import Clips, run_ffmpeg
from tests.e2e.helpers import DESKTOP, PHONE, log_in, with_rendition
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def video_tagged(caption: str, names: list[str], clips: Clips, media_root: Path) -> Video:
    video = published_video(owner=CreatorFactory.create(), caption=caption)
    for name in names:
        video.hashtags.add(Hashtag.objects.get_or_create(name=name)[0])
    with_rendition(video, clips.portrait, media_root)
    poster = f"videos/{video.public_id.hex}/poster.jpg"
    run_ffmpeg("-i", str(clips.portrait), "-frames:v", "1", str(media_root / poster))
    Video.objects.filter(pk=video.pk).update(poster=poster)
    return video


def test_a_caption_hashtag_opens_its_page_and_the_viewer_follows_it(
    live_server, page, screenshot, clips: Clips, settings
):
    media_root = Path(settings.MEDIA_ROOT)
    first = video_tagged("Fresh Brezn from the bakery #Munich #bread", ["munich", "bread"], clips, media_root)
    others = [
        video_tagged(f"Beer garden number {index} #munich #summer", ["munich", "summer"], clips, media_root)
        for index in range(3)
    ]
    harbour = video_tagged("Harbour at dawn #hamburg", ["hamburg"], clips, media_root)
    for video, completions in ((harbour, 8.0), (others[0], 5.0), (first, 3.0)):
        VideoStats.objects.create(
            video=video, impressions=int(completions * 40), recent_completions=completions
        )
    hashtags_rollup()
    viewer = UserFactory.create()

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, viewer.email, next_url=f"/v/{first.public_id}/")
    slide = page.get_by_test_id("current-slide")
    expect(slide).to_have_attribute("data-video-id", str(first.public_id))
    caption = slide.get_by_test_id("caption")
    expect(caption).to_have_text("Fresh Brezn from the bakery #Munich #bread")
    screenshot("player-caption")
    caption.get_by_role("link", name="#Munich").click()

    expect(page).to_have_url(f"{live_server.url}/tag/munich")
    expect(page.get_by_test_id("tag-name")).to_have_text("#munich")
    expect(page.get_by_test_id("tag-counts")).to_have_text("4 videos · 320 views")
    tiles = page.get_by_test_id("tag-video")
    expect(tiles).to_have_count(4)
    hrefs = {tiles.nth(index).get_attribute("href") for index in range(4)}
    assert hrefs == {f"/tag/munich/play?v={video.public_id}" for video in [first, *others]}
    expect(page.get_by_test_id("related-tag")).to_have_text(["#summer", "#bread"])
    screenshot("tag-page")
    # Nothing of the page wider than the screen at 390 px.
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > 391)"
        ".map((el) => el.tagName + '.' + el.className + ' ' + el.getBoundingClientRect().right)"
    )
    assert wide == []

    follow = page.get_by_test_id("tag-follow")
    expect(follow).to_have_text("Follow")
    follow.click()
    expect(page.get_by_test_id("tag-follow")).to_have_text("Following")
    eventually(
        lambda: HashtagFollow.objects.filter(user=viewer, hashtag__name="munich").exists(),
        timeout=5,
        what="the follow stored",
    )
    expect(tiles).to_have_count(4)  # the video they came from too
    screenshot("tag-followed")

    # A tile opens the player on the hashtag's feed, that video first.
    tiles.nth(2).click()
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/tag/munich/play?v=")
    expect(page.get_by_test_id("current-slide")).to_have_attribute(
        "data-video-id", page.url.rsplit("=", 1)[1]
    )
    screenshot("tag-player")

    # On a desktop the related and trending hashtags sit beside the videos.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/tag/munich")
    expect(page.get_by_test_id("trending-tag")).to_have_text(["#hamburg", "#summer", "#bread"])
    screenshot("tag-page-desktop")
