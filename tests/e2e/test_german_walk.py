"""The German-speaking tester, in one browser walk on a phone whose browser asks for German (no cookie set
by the test: the site picks German itself): signs up through the age gate, watches For You (the player's
buttons, a like, the comments sheet), becomes a creator, uploads a real clip, trims it with the keyboard,
publishes, reads the studio's and the video's analytics, makes a business profile, buys a promotion for
the video and pays it at localstripe, and then, as staff, runs the admin. Every page and every sheet,
dialog and toast the JavaScript opens is checked for English (``tests.german``) and for fitting the phone."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from businesses import gateway
from platform.celery import app
from tests.businesses.conftest import localstripe, stripe_local  # noqa: F401  (the payment fixtures)
from tests.clips import Clips
from tests.e2e.helpers import PHONE, organic_videos, settled
from tests.factories import TEST_PASSWORD, UserFactory
from tests.german import english_on_page
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_EMAIL = "moderation@example.com"
GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
)  # fmt: skip


@pytest.fixture
def media_worker(settings):
    """The real worker the upload waits for (processing the draft, then the published rendition)."""
    app.control.purge()
    worker = start_worker(media_root=settings.MEDIA_ROOT, queues="media,default")
    yield worker
    output = stop_worker(worker)
    assert "Traceback" not in output, output


@pytest.fixture
def browser_context_args(browser_context_args):
    # A browser set to German: Playwright's locale is what it sends as Accept-Language (and navigator.language).
    return {**browser_context_args, "locale": "de-DE", "viewport": PHONE}


# No transition still running (a dialog fading in, a sheet sliding up); endless ones (a spinner) aside.
SETTLED = """() => document.getAnimations().every(
    (animation) => animation.playState !== "running" || animation.effect.getComputedTiming().endTime === Infinity
)"""


class Walk:
    """Checks each place the walk reaches: German only, as wide as the phone, and a screenshot of it."""

    def __init__(self, page: Page, screenshot) -> None:
        self.page = page
        self.screenshot = screenshot
        self.step = 0

    def check(self, name: str) -> None:
        page = self.page
        self.step += 1
        for attempt in range(3):
            page.wait_for_load_state("load")
            page.wait_for_function(SETTLED)
            try:
                # A page that follows work (processing) reloads itself when the work is done, which may
                # be just now: read it again once it has loaded.
                content = page.content()
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
        self.screenshot(f"{self.step:02d}-{name}")
        english = english_on_page(content)
        assert english == [], f"English on {page.url} ({name}): {english}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} ({name}) is {width} px wide"


def test_a_german_tester_walks_the_whole_site_in_german(
    live_server,
    page: Page,
    screenshot,
    clips: Clips,
    settings,
    media_worker,
    stripe_local,  # noqa: F811
):
    organic_videos(clips.portrait, Path(settings.MEDIA_ROOT))
    UserFactory.create(email=STAFF_EMAIL, display_name="Mira", is_staff=True, is_superuser=True)
    walk = Walk(page, screenshot)
    base = live_server.url
    gateway.webhook_endpoint_register_local(url=f"{base}/stripe/webhook")
    try:
        walk_as_the_tester(page, walk, base, clips)
    finally:
        gateway.webhook_endpoint_register_local(url="http://127.0.0.1:9/stripe/webhook")


def walk_as_the_tester(page: Page, walk: Walk, base: str, clips: Clips) -> None:
    # Nothing tells the site the language but the browser.
    with page.expect_response(f"{base}/") as home:
        page.goto(base)
    assert home.value.request.all_headers()["accept-language"] == "de-DE"
    assert "django_language" not in {cookie["name"] for cookie in page.context.cookies()}
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_test_id("current-slide")).to_be_visible()
    walk.check("for-you-anonymous")

    # Sign up through the age gate, as an adult.
    page.get_by_role("link", name="Registrieren").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    walk.check("signup")
    page.get_by_label("E-Mail").fill("lena@example.com")
    page.get_by_label("Anzeigename").fill("Lena Brenner")
    page.get_by_label("Geburtsdatum").fill("1990-04-12")
    page.get_by_label("Land").select_option("DE")
    page.get_by_label("Region").fill("DE-BY")
    page.get_by_label("Passwort", exact=True).fill("correct-horse-battery")
    page.get_by_label("Passwort wiederholen").fill("correct-horse-battery")
    page.get_by_role("button", name="Registrieren").click()

    # The welcome step: what do you enjoy?
    expect(page.get_by_role("heading", name="Was gefällt dir?")).to_be_visible()
    walk.check("welcome-interests")
    # Seeded topics by their German names.
    page.get_by_role("checkbox", name="Reisen").check()
    expect(page.get_by_role("checkbox", name="Lokale Kultur")).to_be_visible()
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("button", name="Los geht’s")).to_be_visible()
    walk.check("welcome-hashtags")
    page.get_by_role("button", name="Los geht’s").click()

    # For You: the player, a like, the comments sheet with a comment, and a toast.
    expect(page).to_have_url(f"{base}/")
    slide = page.get_by_test_id("current-slide")
    expect(slide).to_be_visible()
    settled(page, 0)
    walk.check("for-you")
    like = slide.get_by_role("button", name="Gefällt mir")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    slide.get_by_role("button", name="Kommentare").click()
    sheet = page.get_by_test_id("comments-sheet")
    expect(sheet).to_be_visible()
    expect(page.get_by_test_id("comments-status")).to_have_text(
        "Noch keine Kommentare. Sei die erste Person."
    )
    walk.check("comments-sheet")
    page.get_by_test_id("comment-input").fill("Servus aus Sendling!")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    walk.check("comments-sheet-commented")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    slide.get_by_role("button", name="Nichts für mich: weniger davon zeigen").click()
    expect(page.get_by_test_id("toast")).to_be_visible()
    walk.check("for-you-toast")
    # A report from the player's dialog (the admin decides it at the end).
    slide = page.get_by_test_id("current-slide")
    slide.get_by_role("button", name="Dieses Video melden").click()
    dialog = page.get_by_test_id("report-dialog")
    expect(dialog).to_be_visible()
    walk.check("report-dialog")
    dialog.get_by_label("Spam oder Betrug").check()
    dialog.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-done")).to_be_visible()
    walk.check("report-done")
    page.get_by_test_id("report-done").get_by_role("button", name="Fertig").click()
    expect(dialog).to_be_hidden()

    # The sign-up's email, in the language the page was shown in; its link confirms the address.
    [confirmation] = mail.outbox
    assert confirmation.subject == "Bestätige deine E-Mail-Adresse für Joyreel"
    assert str(confirmation.body).startswith("Hallo Lena Brenner,")
    link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", str(confirmation.body))
    assert link is not None, confirmation.body
    page.goto(f"{base}{link.group(1)}")  # the site's address in the mail is the configured one
    walk.check("confirm-email")
    page.get_by_role("button", name="Meine E-Mail-Adresse bestätigen").click()
    expect(page.get_by_text("Deine E-Mail-Adresse ist bestätigt. Danke!")).to_be_visible()
    walk.check("settings-email-confirmed")

    # Becoming a creator: the header's Studio asks for a handle first.
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Studio").click()
    expect(page.get_by_role("heading", name="Werde Creator")).to_be_visible()
    walk.check("become-creator")
    page.get_by_label("Handle").fill("lena_brennt")
    page.get_by_label("Anzeigename").fill("Lena Brenner")
    page.get_by_role("button", name="Mein Studio öffnen").click()
    expect(page.get_by_role("link", name="Video hochladen")).to_be_visible()
    walk.check("studio-empty")

    # Upload a real clip; the page follows the processing until the draft is ready.
    page.get_by_role("link", name="Video hochladen").click()
    expect(page.get_by_role("heading", name="Video hochladen")).to_be_visible()
    expect(page.locator("[data-upload-form]")).to_have_attribute("data-enhanced", "true")
    walk.check("upload")
    page.set_input_files("input[type=file]", str(clips.portrait))
    page.get_by_role("button", name="Hochladen").click()
    expect(page).to_have_url(re.compile(r"/studio/videos/[0-9a-f-]+/$"), timeout=30_000)
    walk.check("processing")
    expect(page.get_by_test_id("video-state")).to_have_text("Entwurf", timeout=60_000)
    page.wait_for_function("document.querySelector('[data-role=player]').readyState >= 1")
    walk.check("editor-draft")

    # Trim with the keyboard: the end handle a second earlier, the start a frame later.
    end_handle = page.get_by_role("slider", name="Endgriff")
    end_handle.focus()
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#id_end")).to_have_value("2.000")
    start_handle = page.get_by_role("slider", name="Anfangsgriff")
    start_handle.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_start")).to_have_value("0.033")
    expect(page.get_by_test_id("trim-length")).to_have_text("1,97")
    page.get_by_label("Beschreibung").fill("Frische Brezn aus der Backstube #brezn")
    walk.check("editor-trimmed")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_test_id("video-state")).to_have_text("Veröffentlicht", timeout=60_000)
    walk.check("editor-published")

    # Analytics: the studio's, then the video's.
    page.get_by_role("link", name="Studio", exact=True).first.click()
    row = page.locator(".studio-row").filter(has_text="Frische Brezn aus der Backstube")
    expect(row).to_be_visible()
    walk.check("studio")
    page.get_by_role("link", name="Statistiken", exact=True).first.click()
    expect(page.locator("[data-chart=activity] table.visually-hidden tbody tr")).to_have_count(28)
    walk.check("analytics")
    # Dates as German writes them ("bis zum 6. Dezember 2026"), the short ones too ("09.11.2026").
    period = page.locator(".range-picker").inner_text()
    assert re.search(rf"\b\d{{1,2}}\. ({'|'.join(GERMAN_MONTHS)}) \d{{4}}\b", period), period
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4} – \d{2}\.\d{2}\.\d{4}\b", period), period
    page.get_by_role("link", name="Studio").first.click()
    row.get_by_role("link", name="Statistiken").click()
    expect(page.locator("[data-chart=views] table.visually-hidden tbody tr")).to_have_count(28)
    walk.check("analytics-video")

    # Business: the video's Promote asks for a business profile first, then the promotion, then payment.
    page.get_by_role("link", name="Studio").first.click()
    row.get_by_role("link", name="Bewerben").click()
    walk.check("business-profile")
    page.get_by_label("Rechtlicher Name").fill("Bäckerei Brenner GmbH")
    page.get_by_label("Kategorie").select_option(index=1)
    page.get_by_role("button", name="Unternehmensprofil erstellen").click()
    expect(page.get_by_role("heading", name="Für ein Video werben")).to_be_visible()
    walk.check("promotion-new")
    page.get_by_label("Budget (EUR)").fill("25")
    page.get_by_label("Laufzeit in Tagen").fill("5")
    page.get_by_role("button", name="Weiter zur Zahlung").click()
    expect(page).to_have_url(re.compile(r"/business/promotions/[0-9a-f-]+/$"))
    expect(page.get_by_placeholder("number")).to_be_visible()
    walk.check("payment")
    # Money and counts with German separators.
    expect(page.get_by_text("6,00 EUR pro 1.000 gesponserte Aufrufe")).to_be_visible()
    page.get_by_placeholder("number").fill("4242424242424242")
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("30")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("80331")
    page.get_by_role("button", name="25,00 EUR bezahlen").click()
    expect(page.locator("[data-role=state]")).to_have_text("In Prüfung", timeout=30_000)
    expect(page.get_by_text("Bezahlt. Unser Team prüft die Werbung, bevor sie läuft.")).to_be_visible()
    walk.check("payment-result")

    # The admin, as staff (whose account has no language saved: the browser's German it is).
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("link", name="Anmelden").first).to_be_visible()
    page.goto(f"{base}/admin/")
    walk.check("admin-login")
    page.get_by_label("E-Mail").fill(STAFF_EMAIL)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(f"{base}/admin/")
    walk.check("admin-index")

    # The promotion in review: its list, its form, and approving it with the list's action.
    page.get_by_role("link", name="Werbung zur Prüfung").click()
    row = page.get_by_role("row").filter(has_text="Bäckerei Brenner GmbH")
    expect(row).to_have_count(1)
    walk.check("admin-promotions")
    row.get_by_role("link").first.click()
    expect(page.locator("#content h1, #content h2").first).to_be_visible()
    walk.check("admin-promotion")
    paid_at = page.locator(".field-paid_at .readonly").inner_text()
    assert re.fullmatch(rf"\d{{1,2}}\. ({'|'.join(GERMAN_MONTHS)}) \d{{4}} \d{{2}}:\d{{2}}", paid_at), paid_at
    page.go_back()
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Aktion").select_option(label="Freigeben (sie startet sofort)")
    page.get_by_role("button", name="Ausführen").click()
    expect(page.locator(".messagelist")).to_be_visible()
    walk.check("admin-promotion-approved")

    # The tester's report: the moderation action asks first, with a statement of reasons.
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Meldungen", exact=True).first.click()
    walk.check("admin-reports")
    page.get_by_role("row").nth(1).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Aktion").select_option(label="Gemeldete Videos entfernen")
    page.get_by_role("button", name="Ausführen").click()
    walk.check("admin-remove-confirmation")
    page.get_by_label("Richtlinie").select_option(label="Spam oder Betrug")
    page.get_by_label("Fakten").fill("Das Video wirbt für einen Betrug.")
    page.get_by_role("button", name="Entfernt").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Meldung entschieden (entfernt) zu 1 Ziel.")
    walk.check("admin-reports-decided")
