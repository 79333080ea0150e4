"""The creator analytics pages: the overview, one video's page and the CSV export render the rolled-up
numbers of a seeded creator (``tests/feeds/analytics_seed.py`` says how each number comes about), only
for the creator, and refuse ranges they cannot show."""

import csv
import datetime
import html
import io
import json
import re
from typing import Any

import pytest
from django.urls import reverse

from feeds.analytics import display
from tests.factories import CreatorFactory, UserFactory, VideoFactory
from tests.feeds.analytics_seed import seeded_creator

pytestmark = pytest.mark.django_db

OVERVIEW = "/studio/analytics/"
EXPORT = "/studio/analytics/export.csv"


def _video_url(video) -> str:
    return f"/studio/videos/{video.public_id}/analytics/"


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _metric(content: str, key: str) -> str:
    """A metric card's words: label, value, change and note."""
    match = re.search(rf'<div class="metric" data-metric="{key}">(.*?)</div>', content, re.S)
    assert match, key
    return _text(match.group(1))


def _block(content: str, role: str) -> str:
    """The words of the element marked ``data-role=role`` (one that holds no element of its own kind)."""
    match = re.search(rf'<(\w+)[^>]*data-role="{role}"[^>]*>(.*?)</\1>', content, re.S)
    assert match, role
    return _text(match.group(2))


def _search(pattern: str, content: str) -> str:
    match = re.search(pattern, content, re.S)
    assert match, pattern
    return match.group(1)


def _charts(content: str) -> Any:
    match = re.search(r'<script id="analytics-charts" type="application/json">(.*?)</script>', content, re.S)
    assert match
    return json.loads(match.group(1))


def test_overview_shows_the_creators_numbers_against_the_period_before(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    content = response.content.decode()
    assert _metric(content, "views") == "Views 20 +300%"
    assert _metric(content, "viewers") == "Unique viewers 17 +240%"
    assert _metric(content, "watch_seconds") == "Watch time 3 min 21 s +302% in total"
    assert _metric(content, "average_watch_seconds") == "Average watch time 10 s +1% per view"
    assert _metric(content, "completion_rate") == "Completion rate 75% -25% watched to the end"
    assert _metric(content, "likes") == "Likes 2 no earlier data"
    assert _metric(content, "shares") == "Shares 1 no earlier data"
    assert _metric(content, "comments") == "Comments 0 no earlier data and replies"
    assert _metric(content, "follows_gained") == "Follows gained 3 no earlier data"
    assert _metric(content, "profile_views") == "Profile views 2 no earlier data"
    assert _metric(content, "net_followers") == "Net follower growth +2 no earlier data gained minus lost"
    assert (
        f"Numbers up to {seeded.last:%-d %B %Y}; a day's numbers arrive shortly after it ends (UTC)."
        in content
    )
    assert 'data-role="followers-now">2<' in content
    # The videos of the range, most viewed first, each linking to its own page.
    rows = re.findall(r'<tr data-video-id="([^"]+)">(.*?)</tr>', content, re.S)
    assert [(video_id, _text(row)) for video_id, row in rows] == [
        (str(seeded.bread.public_id), "Bread at dawn 17 8.3 s 71% 2 1 0"),
        (str(seeded.knife.public_id), "Knife skills 3 20 s 100% 0 0 0"),
    ]
    assert f'href="{_video_url(seeded.bread)}"' in content
    assert f'href="{EXPORT}"' in content


def test_overview_charts_carry_the_daily_series(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    charts = _charts(client.get(OVERVIEW).content.decode())
    days = charts["activity"]["days"]
    assert len(days) == 28
    assert days[-1] == seeded.last.isoformat()
    views, viewers = charts["activity"]["series"]
    assert (views["label"], viewers["label"]) == ("Views", "Unique viewers")
    assert views["values"][-2:] == [5, 12 + 3]
    assert viewers["values"][-2:] == [5, 12]
    assert sum(views["values"]) == 20
    assert charts["followers"]["series"][0]["values"][-2:] == [0, 2]
    gained, lost = charts["follows"]["series"]
    assert gained["values"][-1] == 3
    assert lost["values"][-1] == -1
    assert lost["negative"] is True


def test_audience_shows_cells_under_ten_viewers_as_fewer_than_ten(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    content = client.get(OVERVIEW).content.decode()
    assert _block(content, "age-bands") == (
        # 25–34 holds 12, but shown beside a total of 17 it would give away the 5 of unknown age.
        "Age 13–17 fewer than 10 18–24 fewer than 10 25–34 not shown 35–44 fewer than 10 45–54 fewer than 10"
        " 55 and over fewer than 10 Not known fewer than 10"
    )
    assert _block(content, "new-returning") == (
        "New and returning New viewers 17 Returning viewers fewer than 10"
    )
    assert _block(content, "countries") == "Countries Germany not shown Not known fewer than 10"
    assert _block(content, "regions") == "Regions Bayern 12"
    heatmap = _search(r'data-role="heatmap">(.*?)</table>', content)
    cells = re.findall(r'<td class="heat heat-(\d)" title="([^"]+)">(.*?)</td>', heatmap, re.S)
    assert len(cells) == 7 * 24
    shown = [(title, _text(text)) for level, title, text in cells if level != "0"]
    weekday = display.WEEKDAYS[seeded.last.weekday()]
    assert shown == [(f"{weekday} 9:00 UTC: 12 viewers", "12")]
    assert all(_text(text) == "fewer than 10" for level, _, text in cells if level == "0")
    assert "Hours are UTC." in content
    assert "fewer than 10 viewers (not shown)" in content


def test_a_shorter_range_shows_only_its_days(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    content = client.get(OVERVIEW, {"range": "7"}).content.decode()
    assert _metric(content, "views") == "Views 20 no earlier data"
    assert 'aria-current="true">Last 7 days<' in content
    day = seeded.last.isoformat()
    content = client.get(OVERVIEW, {"start": day, "end": day}).content.decode()
    assert _metric(content, "views") == "Views 15 +200%"
    assert _metric(content, "viewers") == "Unique viewers 12 +140%"
    assert f'value="{day}"' in content
    assert f'href="{EXPORT}?start={day}&amp;end={day}"' in content


def test_video_page_shows_the_videos_numbers_retention_and_sources(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    response = client.get(_video_url(seeded.bread))
    assert response.status_code == 200
    content = response.content.decode()
    assert _metric(content, "views") == "Views 17"
    assert _metric(content, "average_watch") == "Average watch time 8.3 s per view"
    assert _metric(content, "completion") == "Watched to the end 71% of views"
    assert _metric(content, "early_skips") == "Early skips 6% left in the first 2 s"
    assert _metric(content, "not_interested") == "“Not interested” 0% of views"
    assert _metric(content, "likes") == "Likes 2"
    assert _block(content, "sources") == "For You 13 · 76% Following 4 · 24%"
    ranking = _text(_search(r'data-role="ranking">(.*?)</section>', content))
    assert "Expected to watch to the end 33%" in ranking
    assert "Quality score 1.20 1.00 is neutral" in ranking
    assert "The feed expects about 33% of viewers to watch to the end (replays count)." in ranking
    charts = _charts(content)
    assert charts["views"]["series"][0]["values"][-2:] == [5, 12]
    retention = charts["retention"]
    assert retention["steps"] == list(range(0, 101, 2))
    this, median = retention["series"]
    assert (this["label"], median["label"]) == ("This video", "Your median video")
    # 17 views: 12 to the end, 4 to half way, 1 left at 1 s (the 10% step).
    assert this["values"][0] == 1.0
    assert this["values"][5] == 1.0
    assert this["values"][6] == pytest.approx(16 / 17)
    assert this["values"][25] == pytest.approx(16 / 17)
    assert this["values"][26] == pytest.approx(12 / 17)
    assert this["values"][50] == pytest.approx(12 / 17)
    # Only this video has 10 views or more, so it is the median: all time, with the 5 earlier views.
    assert median["values"][50] == pytest.approx(17 / 22)
    assert "your 1 video with at least 10 views" in content


def test_another_creators_video_and_an_unknown_video_are_not_found(client):
    seeded = seeded_creator()
    other = VideoFactory.create(owner=CreatorFactory.create())
    client.force_login(seeded.creator.user)
    assert client.get(_video_url(other)).status_code == 404
    assert client.get("/studio/videos/00000000-0000-4000-8000-000000000000/analytics/").status_code == 404
    # And the other creator does not see this creator's video either.
    client.force_login(other.owner.user)
    assert client.get(_video_url(seeded.bread)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    video = VideoFactory.create()
    for url in (OVERVIEW, EXPORT, _video_url(video)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_account_without_a_creator_profile_is_told_analytics_are_for_creators(client):
    video = VideoFactory.create()
    client.force_login(UserFactory.create())
    for url in (OVERVIEW, EXPORT, _video_url(video)):
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Analytics are for creators" in content
        assert f'href="{reverse("creators:studio_profile")}"' in content
        assert "data-metric" not in content


RANGE_PROBLEMS = [
    ({"start": "2026-05-10", "end": "2026-05-01"}, "The start date is after the end date."),
    ({"start": "2024-01-01", "end": "2025-06-30"}, "A range can be at most 365 days long."),
    ({"start": "2026-05-31", "end": "tomorrow"}, "Dates look like 2026-05-31."),
    ({"start": "2026-05-31"}, "Give both a start and an end date."),
    ({"start": "2019-12-01", "end": "2020-01-10"}, "Numbers start in 2020; pick a later start date."),
    ({"range": "30"}, "Choose the last 7, 28, 60 or 365 days, or a start and an end date."),
]


@pytest.mark.parametrize(("query", "message"), RANGE_PROBLEMS)
def test_a_range_that_cannot_be_shown_says_why_and_shows_no_numbers(client, query, message):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    for url in (OVERVIEW, _video_url(seeded.bread)):
        response = client.get(url, query)
        assert response.status_code == 400
        content = response.content.decode()
        assert _block(content, "range-problem") == message
        assert "data-metric" not in content
        assert "analytics-charts" not in content
        assert 'data-role="top-videos"' not in content
    response = client.get(EXPORT, query)
    assert response.status_code == 400
    assert response.content.decode() == message


def test_an_end_after_the_last_rolled_up_day_is_refused(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    today = (seeded.last + datetime.timedelta(days=1)).isoformat()
    response = client.get(OVERVIEW, {"start": seeded.last.isoformat(), "end": today})
    assert response.status_code == 400
    assert _block(response.content.decode(), "range-problem") == (
        f"Numbers go up to {seeded.last:%-d %B %Y}; pick an end date no later."
    )
    assert "data-metric" not in response.content.decode()


def test_captions_are_escaped(client):
    seeded = seeded_creator(knife_caption='<script>alert("x")</script> knives')
    client.force_login(seeded.creator.user)
    for url in (OVERVIEW, _video_url(seeded.knife)):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; knives" in content


def test_export_streams_the_daily_rows_of_the_range(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    first = seeded.last - datetime.timedelta(days=27)
    assert response["Content-Disposition"] == (
        f'attachment; filename="joyreel-analytics-{first.isoformat()}-to-{seeded.last.isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    day_before = (seeded.last - datetime.timedelta(days=1)).isoformat()
    bread, knife = str(seeded.bread.public_id), str(seeded.knife.public_id)
    assert rows[0] == [
        "day", "video", "caption", "views", "watch_seconds", "completions", "early_skips", "likes", "shares",
        "comments", "follows", "not_interested",
    ]  # fmt: skip
    expected = sorted(
        [
            [day_before, bread, "Bread at dawn", "5", "21.0", "0", "1", "0", "0", "0", "0", "0"],
            [
                seeded.last.isoformat(),
                bread,
                "Bread at dawn",
                "12",
                "120.0",
                "12",
                "0",
                "2",
                "1",
                "0",
                "0",
                "0",
            ],
            [seeded.last.isoformat(), knife, "Knife skills", "3", "60.0", "3", "0", "0", "0", "0", "0", "0"],
        ],
        key=lambda row: (row[0], row[1] != bread),
    )
    assert rows[1:] == expected


def test_export_of_an_earlier_range_has_only_its_days(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    earlier = (seeded.last - datetime.timedelta(days=30)).isoformat()
    response = client.get(EXPORT, {"start": earlier, "end": earlier})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1:] == [
        [
            earlier,
            str(seeded.bread.public_id),
            "Bread at dawn",
            "5",
            "50.0",
            "5",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]
    ]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="joyreel-analytics-{earlier}-to-{earlier}.csv"'
    )


def test_overview_page_reads_a_fixed_handful_of_queries(client, django_assert_max_num_queries):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    # Session, user, creator, last day, overview (3), audience (2), top videos (2), and the header's
    # business entry (the creator profile joined to its business, once per request).
    with django_assert_max_num_queries(12):
        response = client.get(OVERVIEW, {"range": "365"})
    assert response.status_code == 200


def test_the_studio_links_to_analytics(client):
    seeded = seeded_creator()
    client.force_login(seeded.creator.user)
    content = client.get(reverse("creators:studio")).content.decode()
    assert f'href="{OVERVIEW}"' in content
    assert f'href="{_video_url(seeded.bread)}"' in content
    content = client.get(reverse("creators:studio_video", args=[seeded.bread.public_id])).content.decode()
    assert f'href="{_video_url(seeded.bread)}"' in content


def test_numbers_are_worded_for_people():
    assert [display.seconds(value) for value in (7.44, 42, 200, 3600, 7512)] == [
        "7.4 s", "42 s", "3 min 20 s", "1 h", "2 h 5 min",
    ]  # fmt: skip
    assert display.change_words(None) == ("no earlier data", "none")
    assert display.change_words(0.001) == ("no change", "flat")
    assert display.change_words(-0.25) == ("-25%", "down")
    assert display.signed(-3) == "-3"
    assert display.signed(0) == "0"
