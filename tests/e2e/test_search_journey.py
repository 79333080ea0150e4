"""On a phone: type in the header's search box, see suggestions as one types, open the results, switch tabs."""

import io
import re

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from creators.models import Hashtag, Video
from creators.services.publishing import hashtags_parse
from feeds.search.indexing import video_index
from tests.e2e.helpers import DESKTOP, PHONE, log_in
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)


def with_poster(video: Video, colour: tuple[int, int, int]) -> Video:
    name = f"videos/{video.public_id.hex}/poster.jpg"
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (270, 480), colour).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    Video.objects.filter(pk=video.pk).update(poster=name)
    return video


def indexed(video: Video) -> Video:
    names = hashtags_parse(video.caption)
    Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
    video.hashtags.set(Hashtag.objects.filter(name__in=names))
    video_index(video_id=video.pk)
    return video


def test_search_from_the_header_on_a_phone(live_server, page, screenshot):
    bakery = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    pretzel = indexed(
        with_poster(
            published_video(owner=bakery, caption="Warm Brezn from the oven #brezn #munich"), (180, 120, 60)
        )
    )
    indexed(with_poster(published_video(owner=bakery, caption="Sourdough morning #bread"), (120, 90, 70)))
    indexed(with_poster(published_video(caption="Brezn after dark", content_level="mature"), (40, 40, 40)))
    fan = CreatorFactory.create(handle="brezel_liebhaberin", display_name="Brezel-Liebhaberin aus Oberbayern")
    indexed(with_poster(published_video(owner=fan, caption="Which pretzel is best?"), (90, 60, 40)))
    UserFactory.create(email="teen@example.com", date_of_birth=born_years_ago(15))

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/search")  # signed out: the box fits beside "Log in" and "Sign up"
    expect(page.get_by_test_id("header-search")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("signed-out")
    log_in(page, live_server.url, "teen@example.com", next_url="/search")
    box = page.get_by_test_id("header-search")
    expect(box).to_be_visible()
    box.click()
    box.press_sequentially("brez", delay=60)
    suggestions = page.get_by_test_id("search-suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(2)
    expect(suggestions).to_contain_text("#brezn")
    expect(suggestions).to_contain_text("@brezel_liebhaberin")
    screenshot("suggestions")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search?q=brez")
    results = page.get_by_test_id("search-video")
    # The bakery's pretzel and the pretzel fan's video; the mature one never shows a 15-year-old.
    expect(results).to_have_count(2)
    expect(results.filter(has_text="Warm Brezn from the oven")).to_contain_text("@baeckerei_huber")
    expect(results.filter(has_text="Which pretzel is best?")).to_contain_text("@brezel_liebhaberin")
    expect(results.filter(has_text="after dark")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("videos")

    page.get_by_test_id("search-tab").filter(has_text="Creators").click()
    expect(page.get_by_test_id("search-creator")).to_have_text(
        re.compile("Brezel-Liebhaberin aus Oberbayern")
    )
    page.locator("#search-page-q").fill("backerei")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-creator")).to_contain_text("Bäckerei Huber")
    screenshot("creators")

    page.get_by_test_id("search-tab").filter(has_text="Hashtags").click()
    page.locator("#search-page-q").fill("brezn")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-hashtag")).to_contain_text("#brezn")
    screenshot("hashtags")

    page.get_by_test_id("search-tab").filter(has_text="Videos").click()
    page.get_by_test_id("search-video").filter(has_text="Warm Brezn").click()
    expect(page).to_have_url(f"{live_server.url}{pretzel.get_absolute_url()}")

    page.set_viewport_size(DESKTOP)  # the same box on a desktop, suggestions under it
    page.goto(f"{live_server.url}/search?q=brez")
    box = page.get_by_test_id("header-search")
    box.click()
    box.press_sequentially("brez", delay=30)
    expect(page.get_by_test_id("search-suggestions")).to_be_visible()
    screenshot("desktop")
