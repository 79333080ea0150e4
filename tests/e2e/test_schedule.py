"""A creator on a phone sees the filmstrip and ruler under the trim handles, schedules the draft for a time
on their own clock, and a follower finds it (feed, profile, notification) only once the beat job has run at
that time. The filmstrip is also looked at on a desktop, and on an older video with the ruler only."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Browser, expect

from creators import media, services
from creators.models import Video
from platform.models import Notification
from tests.clips import Clips
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import DESKTOP, PHONE, log_in
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db(transaction=True)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_creator_schedules_a_draft_and_it_appears_only_at_its_time(
    live_server, browser: Browser, clips: Clips, eager_tasks
):
    creator = CreatorFactory.create(
        handle="sana", display_name="Sana", user=UserFactory.create(time_zone="Europe/Berlin")
    )
    follower = UserFactory.create(display_name="Finn")
    services.follow_create(follower=follower, creator=creator)
    upload = SimpleUploadedFile("sunrise.mp4", clips.portrait.read_bytes(), content_type="video/mp4")
    video = services.video_upload(owner=creator, upload=upload)  # processed at once (eager tasks)
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT
    assert video.filmstrip.name

    # The filmstrip and the ruler, at phone and desktop width.
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, creator.user.email, f"/studio/videos/{video.public_id}/")
    strip = page.get_by_test_id("filmstrip")
    expect(strip).to_have_attribute("data-frames", str(media.FILMSTRIP_FRAMES))
    tiles = strip.locator(".trim-filmstrip-tile")
    track = page.locator("[data-role=track]").bounding_box()
    assert track is not None
    expect(tiles).to_have_count(round(track["width"] / track["height"]))  # square tiles that fit
    ruler = page.get_by_test_id("ruler")
    expect(ruler.locator(".trim-tick-label")).to_have_text(["0 s", "1 s", "2 s", "3 s"])
    page.locator(".trim").screenshot(path=str(SCREENSHOTS / "filmstrip-trim-390.png"))
    page.screenshot(path=str(SCREENSHOTS / "filmstrip-editor-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out

    desktop = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    wide = desktop.new_page()
    log_in(wide, live_server.url, creator.user.email, f"/studio/videos/{video.public_id}/")
    wide_track = wide.locator("[data-role=track]").bounding_box()
    assert wide_track is not None
    fitting = min(media.FILMSTRIP_FRAMES, round(wide_track["width"] / wide_track["height"]))
    assert fitting > round(track["width"] / track["height"])  # more of the sprite where there is room
    expect(wide.get_by_test_id("filmstrip").locator(".trim-filmstrip-tile")).to_have_count(fitting)
    expect(wide.get_by_test_id("ruler").locator(".trim-tick-label")).to_have_count(4)
    wide.locator(".trim").screenshot(path=str(SCREENSHOTS / "filmstrip-trim-1280.png"))
    wide.screenshot(path=str(SCREENSHOTS / "filmstrip-editor-1280.png"), full_page=True)
    desktop.close()

    # A time too soon is refused, with the reason, and nothing changes.
    schedule = page.get_by_test_id("schedule")
    expect(schedule.get_by_label("Date and time")).to_be_hidden()  # "Publish now" is chosen
    schedule.get_by_label("Schedule", exact=True).check()
    soon = timezone.now().astimezone(BERLIN) + datetime.timedelta(minutes=2)
    schedule.get_by_label("Date and time").fill(soon.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Choose a time at least 5 minutes from now.")).to_be_visible()
    video.refresh_from_db()
    assert (video.state, video.scheduled_at) == (Video.State.DRAFT, None)

    # Tomorrow at 09:30 on the creator's clock (Berlin).
    tomorrow = (timezone.now().astimezone(BERLIN) + datetime.timedelta(days=1)).date()
    at = datetime.datetime.combine(tomorrow, datetime.time(9, 30), tzinfo=BERLIN)
    schedule = page.get_by_test_id("schedule")
    schedule.get_by_label("Schedule", exact=True).check()
    schedule.get_by_label("Date and time").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("publish").click()
    expect(page.get_by_text(re.compile(r"^Scheduled for "))).to_be_visible()
    video.refresh_from_db()
    assert video.state == Video.State.SCHEDULED  # rendered during the request (eager tasks)
    assert video.scheduled_at == at.astimezone(datetime.UTC)
    page.reload()
    expect(page.get_by_test_id("scheduled-at")).to_contain_text("9:30")
    expect(page.get_by_test_id("scheduled")).to_contain_text("Europe/Berlin")
    page.get_by_test_id("scheduled").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "schedule-editor-390.png"), full_page=True)
    page.goto(f"{live_server.url}/studio/")
    expect(page.get_by_test_id("scheduled-at")).to_contain_text("Europe/Berlin")
    page.screenshot(path=str(SCREENSHOTS / "schedule-studio-390.png"), full_page=True)
    context.close()

    # The follower, before the time: not on the profile, no notification, the link is not found.
    fan = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = fan.new_page()
    log_in(page, live_server.url, follower.email, "/@sana/")
    expect(page.locator(f"a[href*='{video.public_id}']")).to_have_count(0)
    response = page.goto(f"{live_server.url}{video.get_absolute_url()}")
    assert response is not None
    assert response.status == 404
    assert not Notification.objects.filter(user=follower).exists()

    # The beat job at the time.
    assert services.videos_publish_due(now=at + datetime.timedelta(seconds=20)) == [video.pk]
    page.goto(f"{live_server.url}/@sana/")
    expect(page.locator(f"a[href*='{video.public_id}']").first).to_be_visible()
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text("Sana posted a new video")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "schedule-notification-390.png"), full_page=True)
    response = page.goto(f"{live_server.url}{video.get_absolute_url()}")
    assert response is not None
    assert response.status == 200
    fan.close()


def test_an_older_video_without_a_sprite_shows_the_ruler_only(
    live_server, browser: Browser, clips: Clips, settings
):
    creator = CreatorFactory.create()
    video = VideoFactory.create(owner=creator, state=Video.State.DRAFT, published_at=None, duration=3.0)
    preview = Path(settings.MEDIA_ROOT) / f"videos/{video.public_id.hex}/preview.mp4"
    preview.parent.mkdir(parents=True, exist_ok=True)
    preview.write_bytes(clips.portrait.read_bytes())
    Video.objects.filter(pk=video.pk).update(preview=f"videos/{video.public_id.hex}/preview.mp4")
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server.url, creator.user.email, f"/studio/videos/{video.public_id}/")
    expect(page.get_by_test_id("ruler").locator(".trim-tick-label")).to_have_text(
        ["0 s", "1 s", "2 s", "3 s"]
    )
    expect(page.get_by_test_id("filmstrip")).to_have_count(0)
    page.locator(".trim").screenshot(path=str(SCREENSHOTS / "filmstrip-ruler-only-390.png"))
    context.close()
