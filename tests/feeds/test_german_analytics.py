"""The creator analytics pages in German (issue 29): the overview with a seeded creator's numbers, a
video's page, the page for an account without a creator profile and an empty range show no English
(``tests.german``), with German plurals, numbers and dates; captions stay as written (``translate="no"``)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import translation

from feeds.analytics import display, rules
from tests.factories import UserFactory
from tests.feeds.analytics_seed import seeded_creator
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"Accept-Language": "de"}
OVERVIEW = "/studio/analytics/"


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request in German leaves German active in this thread; later tests must see the default again."""
    yield
    translation.deactivate()


def _german(client: Client, url: str, query: dict[str, str] | None = None, status: int = 200) -> str:
    response = client.get(url, query or {}, headers=GERMAN)
    assert response.status_code == status, url
    page = response.content.decode()
    assert 'lang="de"' in page.split("<head")[0]
    assert english_on_page(page) == [], english_on_page(page)
    return page


def _metric(page: str, key: str) -> str:
    match = re.search(rf'<div class="metric" data-metric="{key}">(.*?)</div>', page, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_overview_with_numbers_is_german(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    page = _german(client, OVERVIEW)
    assert _metric(page, "views") == "Aufrufe 20 +300 %"
    assert _metric(page, "watch_seconds") == "Wiedergabezeit 3 Min. 21 s +302 % insgesamt"
    assert _metric(page, "completion_rate") == "Abschlussrate 75 % -25 % bis zum Ende angesehen"
    assert "Jede Veränderung vergleicht mit den 28 Tagen davor." in page
    assert 'aria-current="true">Letzte 28 Tage<' in page
    assert "(28 Tage)." in page
    month = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")[seeded.last.month - 1]  # fmt: skip
    assert f"Zahlen bis zum {seeded.last.day}. {month} {seeded.last.year};" in page
    assert (
        '<th scope="row">' + ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"][seeded.last.weekday()] + "</th>"
        in page
    )
    assert "Eindeutige Zuschauer" in page
    assert "weniger als 10" in page
    assert ' translate="no">Bread at dawn</a>' in page


def test_a_videos_page_is_german(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    page = _german(client, f"/studio/videos/{seeded.bread.public_id}/analytics/")
    assert '<h1 class="analytics-title" translate="no">Bread at dawn</h1>' in page
    assert _metric(page, "average_watch") == "Durchschnittliche Wiedergabezeit 8,3 s pro Aufruf"
    assert "So bewertet der Feed dieses Video" in page


def test_the_page_for_an_account_without_a_creator_profile_is_german(client):
    client.force_login(UserFactory.create())
    page = _german(client, OVERVIEW)
    assert "Statistiken gibt es für Creator" in page


def test_an_empty_range_and_a_refused_range_are_german(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    early = (seeded.last - datetime.timedelta(days=200)).isoformat()
    page = _german(client, OVERVIEW, {"start": early, "end": early})
    assert "In diesem Zeitraum noch keine Aufrufe." in page
    assert "Keine Zuschauer in diesem Zeitraum." in page
    assert "(1 Tag)." in page
    assert "Jede Veränderung vergleicht mit dem 1 Tag davor." in page
    page = _german(client, OVERVIEW, {"start": early}, status=400)
    assert "Gib ein Start- und ein Enddatum an." in page


def test_numbers_and_words_follow_the_language():
    with translation.override("de"):
        assert display.count(4166) == "4.166"
        assert [display.seconds(value) for value in (7.44, 200, 7512)] == [
            "7,4 s",
            "3 Min. 20 s",
            "2 Std. 5 Min.",
        ]
        assert display.percent(0.125) == "12 %"
        assert display.change_words(-0.25) == ("-25 %", "down")
        assert display.signed(4166) == "+4.166"
        words = rules.judgement_words(impressions=500, watch_through=0.2, quality=0.7, site_watch_through=0.4)
        assert words[0].startswith("Der Feed erwartet, dass etwa 20 % der Zuschauer")
        assert "Qualitätswert 0,70" in words[2]
    assert display.count(4166) == "4,166"
    assert display.percent(0.125) == "12%"
