"""axe-core on every page type at a phone's and a desktop's width: no serious or critical WCAG 2.1 AA
violation anywhere, and the count of the lesser ones printed per page (run with -s to read them), in English
and in German."""

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from businesses import services as business_services
from creators.models import CreatorProfile, Hashtag, Video
from creators.services.publishing import hashtags_parse
from feeds.search.indexing import video_index
from platform.notifications import notify
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.businesses.helpers import active_adult, business_with_video, running_promotion
from tests.clips import Clips
from tests.e2e.axe import axe_check
from tests.e2e.helpers import DESKTOP, PHONE, log_in, organic_videos, with_rendition
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago, published_video
from tests.feeds.analytics_seed import seeded_creator

pytestmark = pytest.mark.django_db(transaction=True)


class World:
    """What a page type needs before the browser opens it: who is signed in (None: nobody) and where to go,
    plus a step to take on the page before checking it (filling a form so its estimate shows, say)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.media_root = Path(settings.MEDIA_ROOT)
        self.email: str | None = None
        self.path = "/"
        self.prepare: Callable[[Page], None] = lambda page: None
        # The language the page is checked in: a step that reads the page's words reads them in it.
        self.language = "en"

    def clips(self) -> Clips:
        clips: Clips = self.request.getfixturevalue("clips")
        return clips

    def viewer(self) -> str:
        return UserFactory.create(email="viola@example.com", display_name="Viola").email

    def feed_videos(self) -> Video:
        organic_videos(self.clips().portrait, self.media_root)
        video = published_video(
            owner=CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber"),
            topics=("stem",), caption="Why dough rises #brezn #munich",
        )  # fmt: skip
        return with_rendition(video, self.clips().portrait, self.media_root)


def indexed_video(*, caption: str, owner: CreatorProfile | None = None) -> Video:
    """A published video that search and its hashtags' pages find."""
    video = published_video(caption=caption, owner=owner or CreatorFactory.create())
    names = hashtags_parse(video.caption)
    Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
    video.hashtags.set(Hashtag.objects.filter(name__in=names))
    video_index(video_id=video.pk)
    return video


def _for_you(world: World) -> None:
    world.feed_videos()
    world.email = world.viewer()
    world.prepare = lambda page: expect(page.get_by_test_id("current-slide")).to_be_visible()


def _feed_dialog(world: World, button: str, dialog: str) -> None:
    """For You with one of the current video's sheets or dialogs open (axe skips what is hidden)."""
    _for_you(world)

    def open_it(page: Page) -> None:
        if page.get_by_test_id(dialog).is_visible():
            return
        expect(page.get_by_test_id("current-slide")).to_be_visible()
        page.get_by_test_id("current-slide").get_by_test_id(button).click()
        expect(page.get_by_test_id(dialog)).to_be_visible()
        page.wait_for_function(
            "() => !document.getAnimations().some((a) => a.playState === 'running' && a.effect.target.closest('dialog'))"
        )

    world.prepare = open_it


def _topic_feed(world: World) -> None:
    _for_you(world)
    world.path = "/feed/topics/stem/"


def _video(world: World) -> None:
    video = world.feed_videos()
    world.email = world.viewer()
    world.path = f"/v/{video.public_id}/"


def _profile(world: World) -> None:
    world.feed_videos()
    world.email = world.viewer()
    world.path = "/@baeckerei_huber/"


def _search(world: World) -> None:
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    indexed_video(owner=creator, caption="Warm Brezn from the oven #brezn")
    indexed_video(caption="Which Brezn is best? #brezn")
    world.email = world.viewer()
    world.path = "/search?q=brezn"


def _tag(world: World) -> None:
    indexed_video(caption="Warm Brezn from the oven #brezn")
    indexed_video(caption="Brezn and beer #brezn #munich")
    world.email = world.viewer()
    world.path = "/tag/brezn"


def _creator(world: World) -> CreatorProfile:
    creator = CreatorFactory.create(handle="cleo", display_name="Cleo")
    world.email = creator.user.email
    return creator


def _studio(world: World) -> None:
    creator = _creator(world)
    VideoFactory.create(owner=creator, caption="Sourdough at dawn")
    VideoFactory.create(owner=creator, caption="", state=Video.State.DRAFT, published_at=None)
    world.path = "/studio/"


def _upload(world: World) -> None:
    _creator(world)
    world.path = "/studio/upload/"


def _trim_editor(world: World) -> None:
    creator = _creator(world)
    video = VideoFactory.create(owner=creator, caption="", state=Video.State.DRAFT, published_at=None)
    name = f"videos/{video.public_id.hex}/preview.mp4"
    (world.media_root / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(world.clips().portrait, world.media_root / name)
    Video.objects.filter(pk=video.pk).update(preview=name)
    world.path = f"/studio/videos/{video.public_id}/"
    world.prepare = lambda page: expect(page.locator("[data-role=handle-end]")).to_be_visible()


def _analytics(world: World) -> None:
    seeded = seeded_creator()
    world.email = seeded.creator.user.email
    world.path = "/studio/analytics/"
    world.prepare = lambda page: expect(page.locator("[data-chart=activity] canvas")).to_have_count(1)


def _analytics_video(world: World) -> None:
    seeded = seeded_creator()
    world.email = seeded.creator.user.email
    world.path = f"/studio/videos/{seeded.bread.public_id}/analytics/"


def _business_home(world: World) -> None:
    business, _video = business_with_video()
    world.email = business.creator.user.email
    world.path = "/business/"


def _promotion_setup(world: World) -> None:
    business, video = business_with_video()
    world.email = business.creator.user.email
    world.path = f"/business/promotions/new?video={video.public_id}"


def _promotion_estimate(world: World) -> None:
    for _ in range(3):
        active_adult(active_days=28)
    _promotion_setup(world)

    estimated = {"en": "Estimated reach", "de": "Geschätzte Reichweite"}[world.language]

    def fill(page: Page) -> None:
        page.locator("input[name=budget]").fill("40.00")
        page.locator("input[name=duration_days]").fill("5")
        expect(page.locator("[data-reach-estimate]")).to_contain_text(estimated)

    world.prepare = fill


def _payment(world: World) -> None:
    world.request.getfixturevalue("stripe_local")
    business, video = business_with_video()
    promotion = business_services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=30_00, duration_days=5
    )
    business_services.promotion_pay_start(promotion=promotion)
    world.email = business.creator.user.email
    world.path = f"/business/promotions/{promotion.public_id}/"
    world.prepare = lambda page: expect(page.get_by_placeholder("number")).to_be_visible()


def _results(world: World) -> None:
    business, promotion = running_promotion()
    world.email = business.creator.user.email
    world.path = f"/business/promotions/{promotion.public_id}/"
    world.prepare = lambda page: expect(page.locator("[data-results-chart] canvas")).to_have_count(1)


def _settings(world: World) -> None:
    world.email = world.viewer()
    world.path = "/accounts/settings/"


def _family(world: World) -> None:
    world.email = UserFactory.create(email="pat@example.com", display_name="Pat", eligible_parent=True).email
    world.path = "/family/"


def _family_teen(world: World) -> None:
    world.email = UserFactory.create(
        email="tia@example.com", display_name="Tia", date_of_birth=born_years_ago(14)
    ).email
    world.path = "/family/"


def _notifications(world: World) -> None:
    user = UserFactory.create(email="nora@example.com", display_name="Nora")
    notify(user=user, kind="account", title="Your email address is confirmed", body="Thanks.", url="/")
    notify(user=user, kind="comment", title="2 new comments on “Sourdough”", url="/studio/")
    world.email = user.email
    world.path = "/notifications/"


def _comments_page(world: World) -> None:
    video = published_video(owner=CreatorFactory.create(handle="cleo"), caption="Sourdough at dawn")
    world.email = world.viewer()
    world.path = f"/v/{video.public_id}/comments"


def _comment_refused(world: World) -> None:
    _comments_page(world)

    def refuse(page: Page) -> None:
        if page.get_by_test_id("comment-error").is_visible():
            return
        page.get_by_role("button", name="Post").click()
        expect(page.get_by_test_id("comment-error")).to_be_visible()
        expect(page.locator("#id_text")).to_have_attribute(
            "aria-describedby", re.compile(r"\bid_text_error\b")
        )

    world.prepare = refuse


def _screen_time(world: World) -> None:
    world.email = UserFactory.create(date_of_birth=born_years_ago(14), daily_limit_minutes=60).email
    world.path = "/accounts/screen-time/"


def _studio_profile(world: World) -> None:
    _creator(world)
    world.path = "/studio/profile/"


def _receipts(world: World) -> None:
    business, _video = business_with_video()
    world.email = business.creator.user.email
    world.path = "/business/receipts"


def _guidelines(world: World) -> None:
    world.path = "/guidelines/"


def _signup(world: World) -> None:
    world.path = "/accounts/signup/"


def _signup_errors(world: World) -> None:
    world.path = "/accounts/signup/"

    german = world.language == "de"

    def refuse(page: Page) -> None:
        page.get_by_role("button", name="Registrieren" if german else "Sign up").click()
        # Each error is tied to its field: the field names it as its description, and says it is invalid.
        email = page.get_by_label("E-Mail" if german else "Email", exact=True)
        expect(email).to_have_attribute("aria-invalid", "true")
        expect(email).to_have_accessible_description(
            "Dieses Feld ist zwingend erforderlich." if german else "This field is required."
        )

    world.prepare = refuse


def _login(world: World) -> None:
    world.path = "/accounts/login/"


def _welcome(world: World) -> None:
    world.email = world.viewer()
    world.path = "/welcome/interests"


def _your_data(world: World) -> None:
    world.email = world.viewer()
    world.path = "/accounts/delete/"


PAGES: dict[str, Callable[[World], None]] = {
    "for-you": _for_you,
    "feed-comments-sheet": lambda world: _feed_dialog(world, "comments-button", "comments-sheet"),
    "feed-why-sheet": lambda world: _feed_dialog(world, "why-button", "why-sheet"),
    "feed-report-dialog": lambda world: _feed_dialog(world, "report-button", "report-dialog"),
    "topic-feed": _topic_feed,
    "video": _video,
    "profile": _profile,
    "search": _search,
    "tag": _tag,
    "studio": _studio,
    "upload": _upload,
    "trim-editor": _trim_editor,
    "analytics": _analytics,
    "analytics-video": _analytics_video,
    "business-home": _business_home,
    "promotion-setup": _promotion_setup,
    "promotion-estimate": _promotion_estimate,
    "payment": _payment,
    "results": _results,
    "settings": _settings,
    "family-parent": _family,
    "family-teen": _family_teen,
    "notifications": _notifications,
    "comments-page": _comments_page,
    "comment-refused": _comment_refused,
    "screen-time": _screen_time,
    "studio-profile": _studio_profile,
    "receipts": _receipts,
    "guidelines": _guidelines,
    "signup": _signup,
    "signup-errors": _signup_errors,
    "login": _login,
    "welcome-interests": _welcome,
    "your-data": _your_data,
}


# Every page type is checked in German as well: every string of the site is translated (issue 29).
GERMAN_PAGES: list[str] = list(PAGES)


@pytest.mark.parametrize("page_type", PAGES)
def test_no_serious_or_critical_violations(live_server, page, screenshot, request, page_type):
    _check(live_server, page, screenshot, request, page_type, language="en")


@pytest.mark.parametrize("page_type", GERMAN_PAGES)
def test_no_serious_or_critical_violations_in_german(live_server, page, screenshot, request, page_type):
    _check(live_server, page, screenshot, request, page_type, language="de")


def _check(live_server, page: Page, screenshot, request, page_type: str, *, language: str) -> None:
    world = World(request)
    world.language = language
    PAGES[page_type](world)
    if world.email is not None:
        log_in(page, live_server.url, world.email, world.path)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    # The footer switcher's cookie, set after logging in (the log-in helper reads the English form).
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{world.path}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    failures = []
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        world.prepare(page)
        page.wait_for_load_state("networkidle")
        result = axe_check(page)
        counts = result.counts()
        print(  # noqa: T201 - the per-page counts the closing note lists, shown with -s or on failure
            f"\naxe {page_type:<20} {language} {name:<8} critical={counts['critical']} serious={counts['serious']}"
            f" moderate={counts['moderate']} minor={counts['minor']}"
            f" best-practice={sum(result.best_practice_counts().values())} to-review={result.to_review}"
            f" {' '.join(sorted({violation['id'] for violation in result.best_practice}))}"
        )
        screenshot(name)
        if result.of_impact("critical", "serious"):
            failures.append(f"{name}:\n{result.describe('critical', 'serious')}")
    assert not failures, "\n".join(failures)


def test_reduced_motion_starts_no_video_and_moves_without_animation(live_server, page, clips: Clips):
    organic_videos(clips.portrait, Path(settings.MEDIA_ROOT))
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url)
    video = page.get_by_test_id("current-video")
    # Loaded and ready, yet paused on its poster until the viewer plays it.
    page.wait_for_function("() => document.querySelector('[data-testid=current-video]').readyState >= 2")
    expect(video).to_have_js_property("paused", True)
    assert page.evaluate("getComputedStyle(document.querySelector('.feed-track')).transitionDuration") == "0s"
    page.keyboard.press("Space")
    expect(video).to_have_js_property("paused", False)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#feed")).to_have_attribute("data-current-index", "1")
    page.wait_for_function("() => document.querySelector('[data-testid=current-video]').readyState >= 2")
    expect(page.get_by_test_id("current-video")).to_have_js_property("paused", True)


def test_the_check_finds_what_it_should(page):
    """The helper itself: a page with an unnamed button and an image without alt text fails it."""
    page.set_content(
        '<html lang="en"><head><title>T</title></head><body><main><h1>T</h1><button></button><img src="x.png"></main></body></html>'
    )
    result = axe_check(page)
    assert {violation["id"] for violation in result.of_impact("critical", "serious")} == {
        "button-name",
        "image-alt",
    }
    assert result.counts()["critical"] == 2
