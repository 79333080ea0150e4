"""The daily limit against a teen who skips the player, on a real server: at the limit listing a creator's
videos, opening their details and fetching sixteen renditions through /v/<id>/video are all refused; under
the limit, downloading files without ever sending a signal reaches the limit from the bytes served alone;
and a download cancelled early counts only what went out."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client

from creators.models import CreatorProfile, Video
from platform import age
from platform.models import ScreenTimeDay, User
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago
from tests.waiting import eventually
from tests.workers import start_web, stop_web

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def session_for(user: User) -> requests.Session:
    """A logged-in browser session the server finds in the shared database."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


def videos_with_files(creator: CreatorProfile, media_root: Path, *, count: int, size: int, seconds: float):
    """``count`` published videos of ``creator``, each with a rendition of ``size`` bytes on disk."""
    made = []
    for _ in range(count):
        video = VideoFactory.create(owner=creator, duration=seconds, trim_end=seconds)
        name = f"videos/{video.public_id.hex}/rendition-1.mp4"
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        with (media_root / name).open("wb") as file:
            file.truncate(size)  # a sparse file: its size without writing it
        Video.objects.filter(pk=video.pk).update(
            rendition=name, rendition_duration=seconds, rendition_version=1
        )
        made.append(video)
    return made


def today(user: User) -> tuple[float, float]:
    row = ScreenTimeDay.objects.filter(user=user, day=age.screen_time_day(user=user)).first()
    return (row.seconds, row.served_seconds) if row else (0.0, 0.0)


@pytest.fixture
def web(media_root, tmp_path) -> Iterator[str]:
    server: subprocess.Popen[bytes]
    server, url = start_web(media_root=Path(media_root), log=tmp_path / "web.log")
    try:
        yield url
    finally:
        stop_web(server)


def test_at_the_limit_no_route_lists_describes_or_sends_a_video(web, media_root):
    creator = CreatorFactory.create()
    videos = videos_with_files(creator, Path(media_root), count=16, size=200_000, seconds=10.0)
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=3600)
    browser = session_for(teen)

    listed = browser.get(f"{web}/@{creator.handle}/", timeout=10)
    assert listed.status_code == 403
    assert "reached today's limit" in listed.text
    assert not any(str(video.public_id) in listed.text for video in videos)
    api_list = browser.get(f"{web}/api/v1/creators/{creator.handle}/videos", timeout=10)
    assert api_list.status_code == 403
    assert api_list.json()["code"] == "screen_time_locked"

    for video in videos:
        details = browser.get(f"{web}/api/v1/videos/{video.public_id}", timeout=10)
        assert details.status_code == 403
        assert details.json()["code"] == "screen_time_locked"
        assert browser.get(f"{web}/v/{video.public_id}/", timeout=10).status_code == 403
        for headers in ({}, {"Range": "bytes=0-"}):
            file = browser.get(f"{web}/v/{video.public_id}/video", headers=headers, timeout=10)
            assert file.status_code == 403
            assert file.headers["Content-Type"].startswith("text/html")
            assert b"\x00" * 1024 not in file.content

    assert today(teen) == (3600.0, 0.0)


def test_downloads_without_signals_reach_the_limit_from_the_bytes_served(web, media_root):
    creator = CreatorFactory.create()
    # Sixteen 6-second videos against a one-minute limit: ten whole downloads use it up.
    videos = videos_with_files(creator, Path(media_root), count=16, size=120_000, seconds=6.0)
    teen = UserFactory.create(date_of_birth=born_years_ago(14), daily_limit_minutes=1)
    browser = session_for(teen)

    answers = []
    for video in videos:
        response = browser.get(f"{web}/v/{video.public_id}/video", timeout=10)
        answers.append((response.status_code, len(response.content)))
        if response.status_code == 200:
            # The server counts a response when it closes it; the next request waits for nothing else.
            eventually(
                lambda: today(teen)[1] >= 6.0 * answers.count((200, 120_000)) - 0.01, timeout=10, what="count"
            )
    assert answers[:10] == [(200, 120_000)] * 10
    assert [status for status, _ in answers[10:]] == [403] * 6
    seconds, served = today(teen)
    assert seconds == 0.0  # no signal was ever sent
    assert served == pytest.approx(60.0)
    status = browser.get(f"{web}/api/v1/screen-time", timeout=10).json()
    assert status["locked"] is True
    assert status["seconds"] == 60.0
    feed = browser.get(f"{web}/api/v1/feeds/for-you", timeout=10).json()
    assert feed["results"] == []
    assert feed["screen_time"]["locked"] is True


def test_a_download_cancelled_early_counts_only_what_went_out(web, media_root):
    creator = CreatorFactory.create()
    # 64 MB over 640 seconds: far more than the loopback's socket buffers hold after the client stops.
    (video,) = videos_with_files(creator, Path(media_root), count=1, size=64_000_000, seconds=640.0)
    teen = UserFactory.create(date_of_birth=born_years_ago(16))
    browser = session_for(teen)

    with browser.get(f"{web}/v/{video.public_id}/video", stream=True, timeout=10) as response:
        assert response.status_code == 200
        assert len(next(response.iter_content(64 * 1024))) > 0
    eventually(lambda: today(teen)[1] > 0, timeout=30, what="the cancelled download to be counted")
    served = today(teen)[1]
    assert 0 < served < 320.0  # less than half of the file counted
    assert not today(teen)[0]
