"""The demo creator's analytics history: `seed_demo_analytics` gives @cleo sixty closed days the dashboard
shows, through the real rollup, with demo viewers who cannot log in; once."""

import datetime
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from creators.models import CreatorProfile, Follow, FollowChange
from devtools.demo.analytics import (
    HOOK_CAPTION,
    SLOW_START_CAPTION,
    VIEWER_DOMAIN,
)
from devtools.demo.world import VIDEOS
from feeds.analytics import rules, selectors
from feeds.models import AudienceDay, CreatorDay, ProfileVisit, Signal, VideoDay, VideoStats
from platform import age
from platform.models import User
from platform.regions import regions_of
from tests.factories import CreatorFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleo():
    """The demo accounts, @cleo with her demo videos and two other creators, a few weeks of demo viewing
    (seed_demo_videos draws real clips for a minute; factories stand in for it)."""
    call_command("seed_demo")
    creator = CreatorFactory.create(user=User.objects.get(email="creator@joyreel.localhost"), handle="cleo")
    for demo in VIDEOS:
        if demo.handle == "cleo":
            published_video(owner=creator, caption=demo.caption, topics=demo.topics, duration=5.0,
                            rendition_duration=5.0)  # fmt: skip
    for handle in ("kitchenkai", "trailtom"):
        other = CreatorFactory.create(handle=handle)
        for topic in ("food", "travel", "comedy"):
            published_video(owner=other, topics=(topic,), duration=5.0, rendition_duration=5.0)
    call_command("seed_demo_signals", viewers=8)
    return creator


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Signal,
            Follow,
            FollowChange,
            ProfileVisit,
            VideoDay,
            CreatorDay,
            AudienceDay,
            VideoStats,
        )
    }


def _sixty_days() -> rules.DayRange:
    return rules.range_parse(preset="60", start=None, end=None, last_day=selectors.analytics_last_day())


def test_cleo_has_sixty_days_of_history_on_every_chart_and_a_second_run_writes_nothing(cleo, capsys):
    call_command("seed_demo_analytics")
    assert "rolled up 60 days" in capsys.readouterr().out
    cleo.refresh_from_db()
    period = _sixty_days()
    overview = selectors.analytics_overview(creator=cleo, period=period, last_day=period.end)
    views = overview.daily["views"]
    assert len(views) == 60
    assert sum(1 for count in views if count) >= 55
    assert max(views) > 3 * views[0]  # it grew, and a video took off
    assert len(set(overview.daily["followers"])) > 1
    # Followers at the end of the last closed day: today's count less today's changes (not rolled up yet).
    since = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )
    today = sum(
        FollowChange.objects.filter(creator=cleo, created_at__gte=since).values_list("delta", flat=True)
    )
    assert overview.daily["followers"][-1] == overview.followers_now - today
    follows = Follow.objects.filter(creator=cleo, status=Follow.Status.APPROVED).count()
    assert cleo.follower_count == follows > 0
    changes = list(FollowChange.objects.filter(creator=cleo).values_list("delta", flat=True))
    assert sum(changes) == follows
    assert -1 in changes  # some left again
    assert overview.metrics["profile_views"].value > 0

    audience = selectors.analytics_audience(creator=cleo, period=period)
    bands = [cell.key for cell in audience.age_bands if cell.viewers is not None and cell.key != "unknown"]
    assert len(bands) >= 3
    assert "13-17" in bands
    countries = [cell.key for cell in audience.countries if cell.viewers is not None and cell.key]
    assert len(countries) >= 2
    assert len([cell for cell in audience.regions if cell.viewers is not None]) >= 2

    top = selectors.analytics_top_videos(creator=cleo, period=period)
    assert len(top) == 7
    site = selectors.site_watch_through()
    curves = {
        row.video.caption: selectors.analytics_video(video=row.video, period=period, site_watch_through=site)
        for row in top
    }
    assert len(curves[top[0].video.caption].retention) == 51
    hook, slow = curves[HOOK_CAPTION], curves[SLOW_START_CAPTION]
    assert hook.retention[25] > 0.85 > 0.7 > slow.retention[25]  # one holds people, one loses them early
    assert slow.early_skip_rate > 0.4 > 0.1 > hook.early_skip_rate
    assert {share.key.split(":")[0] for share in hook.sources} >= {"for_you", "link", "topic", "profile"}
    assert VideoStats.objects.get(video=hook.video).impressions >= hook.totals["views"]  # the feed has it too

    before = _counts()
    call_command("seed_demo_analytics")
    assert "Demo analytics exist." in capsys.readouterr().out
    assert _counts() == before


def test_the_demo_viewers_cannot_log_in_are_no_creators_and_live_in_real_regions(cleo):
    call_command("seed_demo_analytics", viewers=60, anonymous=40)
    viewers = list(User.objects.filter(email__endswith=f"@{VIEWER_DOMAIN}"))
    assert len(viewers) == 60
    assert not any(viewer.has_usable_password() for viewer in viewers)
    assert not viewers[0].check_password("")
    assert not CreatorProfile.objects.filter(user__in=viewers).exists()
    assert not any(viewer.is_staff for viewer in viewers)
    ages = [viewer.age_on(age.today()) or 0 for viewer in viewers]
    assert 13 <= min(ages) <= 17
    assert max(ages) <= 70
    for viewer in viewers:
        assert viewer.region == "" or viewer.region in dict(regions_of(viewer.country.code))
    assert User.objects.filter(email__startswith="viewer@").count() == 1  # the demo viewer is still the one


def test_the_same_seed_gives_the_same_history(cleo, capsys):
    # The history runs up to five minutes before "now", so two runs seconds apart differ by the views
    # that fell between them (CI caught 3 of 38,691 late one evening): both runs see one moment.
    moment = timezone.now()
    capsys.readouterr()
    with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("seed_demo_analytics", seed=3, viewers=80, anonymous=60)
        first = capsys.readouterr().out
        transaction.set_rollback(True)
    assert not User.objects.filter(email__endswith=f"@{VIEWER_DOMAIN}").exists()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("seed_demo_analytics", seed=3, viewers=80, anonymous=60)
    second = capsys.readouterr().out

    def numbers(text: str) -> str:
        return re.sub(r"in [0-9.]+s\.", "", text)

    assert numbers(first) == numbers(second)
    assert "Recorded " in second


def test_just_after_midnight_there_are_still_sixty_closed_days(cleo, capsys):
    # Yesterday closes only TAIL (15 minutes) after midnight UTC: the history then starts a day earlier.
    five_past = timezone.now().astimezone(datetime.UTC).replace(hour=0, minute=5)
    with mock.patch("django.utils.timezone.now", return_value=five_past):
        call_command("seed_demo_analytics", viewers=40, anonymous=20)
    assert "rolled up 60 days" in capsys.readouterr().out
    last_day = five_past.date() - datetime.timedelta(days=2)
    days = list(CreatorDay.objects.filter(creator=cleo).order_by("day").values_list("day", flat=True))
    assert (days[0], days[-1], len(days)) == (last_day - datetime.timedelta(days=59), last_day, 60)


def test_without_cleo_s_videos_nothing_is_written(capsys):
    call_command("seed_demo")
    CreatorFactory.create(user=User.objects.get(email="creator@joyreel.localhost"), handle="cleo")
    published_video(topics=("art",))  # someone else's
    before = _counts()
    call_command("seed_demo_analytics")
    assert "No published videos of @cleo yet" in capsys.readouterr().out
    assert _counts() == before
