"""Creator analytics' pure rules: ranges, retention, privacy floors and the feed's judgement in words."""

import datetime

import pytest

from feeds.analytics import rules

LAST = datetime.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("preset", "start"), [(None, "2026-06-03"), ("7", "2026-06-24"), ("365", "2025-07-01")]
)
def test_a_preset_ends_on_the_last_closed_day(preset, start):
    period = rules.range_parse(preset=preset, start=None, end=None, last_day=LAST)
    assert (period.start.isoformat(), period.end) == (start, LAST)


def test_the_previous_period_is_as_long_and_just_before():
    period = rules.DayRange(datetime.date(2026, 6, 1), datetime.date(2026, 6, 28))
    assert period.previous == rules.DayRange(datetime.date(2026, 5, 4), datetime.date(2026, 5, 31))
    assert period.days == period.previous.days == 28


def test_a_custom_range_of_exactly_365_days_is_taken():
    period = rules.range_parse(preset=None, start="2025-07-01", end="2026-06-30", last_day=LAST)
    assert period.days == 365


def test_retention_is_the_share_still_watching_at_each_step():
    reach = [0] * 51
    reach[0], reach[25], reach[50] = 2, 3, 5  # two left at once, three at half way, five to the end
    curve = rules.retention_curve(reach)
    assert len(curve) == 51
    assert curve[0] == 1.0
    assert curve[1] == curve[25] == 0.8
    assert curve[26] == curve[50] == 0.5
    assert rules.retention_curve([0] * 51) == []


def test_the_median_curve_is_taken_point_by_point():
    assert rules.median_curve([[1.0, 0.5], [1.0, 0.1], [1.0, 0.3], []]) == [1.0, 0.3]


@pytest.mark.parametrize(
    ("furthest", "step"), [(0.0, 0), (0.19, 0), (0.2, 1), (5.0, 25), (9.99, 49), (10.0, 50), (12, 50)]
)
def test_reach_steps_are_two_percent_of_the_length(furthest, step):
    assert rules.reach_step(furthest=furthest, duration=10.0) == step


def test_small_cells_are_hidden_and_so_is_the_one_that_would_give_them_away():
    assert rules.shown_breakdown({"a": 50, "b": 9}) == ({"a": None, "b": None}, {"a"})
    assert rules.shown_breakdown({"a": 50, "b": 12, "c": 4}) == ({"a": 50, "b": None, "c": None}, {"b"})
    assert rules.shown_breakdown({"a": 50, "b": 12, "c": 6, "d": 7}) == (
        {"a": 50, "b": 12, "c": None, "d": None},
        set(),
    )
    assert rules.shown_breakdown({"a": 50, "b": 12, "c": 0}) == ({"a": 50, "b": 12, "c": None}, set())


@pytest.mark.parametrize(
    ("years", "band"),
    [
        (None, "unknown"),
        (12, "unknown"),
        (13, "13-17"),
        (17, "13-17"),
        (18, "18-24"),
        (54, "45-54"),
        (55, "55+"),
    ],
)
def test_every_minor_falls_in_one_band(years, band):
    assert rules.audience_band(years) == band


def test_viewer_numbers_keep_users_apart_from_anonymous_keys():
    assert rules.viewer_number("u:42") == 42
    anonymous = rules.viewer_number("a:3f0c")
    assert anonymous < 0
    assert anonymous == rules.viewer_number("a:3f0c") != rules.viewer_number("a:3f0d")


def test_the_feeds_judgement_says_when_it_is_mostly_a_guess_and_what_holds_a_video_back():
    early = rules.judgement_words(impressions=4, watch_through=0.4, quality=1.0, site_watch_through=0.4)
    assert "mostly the starting guess" in early[0]
    weak = rules.judgement_words(impressions=500, watch_through=0.2, quality=0.7, site_watch_through=0.4)
    assert "mostly the starting guess" not in weak[0]
    assert "below most videos" in weak[1]
    assert "hold it back" in weak[2]


def test_a_video_watched_through_more_than_once_a_view_is_not_called_over_100_percent():
    words = rules.judgement_words(impressions=200, watch_through=1.45, quality=1.0, site_watch_through=0.4)
    assert "%" not in words[0]
    assert "more than once" in words[0]
