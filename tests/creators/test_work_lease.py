"""The lease on a video's media work: refreshed while the work lives, never for a run that lost it, and
the scratch folders of dead runs told apart from live ones."""

import datetime
import time

import pytest
from django.utils import timezone

from creators import services
from creators.models import Video
from creators.services._storage import work_dir
from creators.services.processing import work_lease
from tests.factories import VideoFactory
from tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lease_is_refreshed_while_the_work_runs_and_no_longer_after(settings):
    settings.VIDEO_WORK_HEARTBEAT_SECONDS = 0.1
    started = timezone.now() - datetime.timedelta(minutes=5)
    video = VideoFactory.create(
        state=Video.State.PROCESSING, work_started_at=started, work_heartbeat_at=started
    )
    with work_lease(video_id=video.pk, started_at=started):
        eventually(
            lambda: Video.objects.get(pk=video.pk).work_heartbeat_at != started, timeout=5, what="a heartbeat"
        )
        video.refresh_from_db()
        during = video.work_heartbeat_at
        assert during is not None
        assert timezone.now() - during < datetime.timedelta(seconds=1)
        # A refreshed lease is not stuck, however long ago the work started.
        assert not video.is_stuck
        assert services.videos_recover_stuck(older_than=datetime.timedelta(seconds=60)) == 0
    video.refresh_from_db()
    last = video.work_heartbeat_at
    time.sleep(0.3)  # three heartbeat periods pass: that none beats is what is tested
    video.refresh_from_db()
    assert video.work_heartbeat_at == last  # the beat stopped with the work
    assert video.state == Video.State.PROCESSING


def test_a_run_that_lost_its_work_does_not_refresh_the_next_runs_lease(settings):
    settings.VIDEO_WORK_HEARTBEAT_SECONDS = 0.1
    old_run = timezone.now() - datetime.timedelta(minutes=5)
    new_run = timezone.now() - datetime.timedelta(minutes=2)
    video = VideoFactory.create(
        state=Video.State.PROCESSING, work_started_at=new_run, work_heartbeat_at=new_run
    )
    with work_lease(video_id=video.pk, started_at=old_run):
        time.sleep(0.4)  # four heartbeat periods pass: that none lands on the new run is what is tested
    video.refresh_from_db()
    assert video.work_heartbeat_at == new_run
    assert video.is_stuck


def test_only_the_scratch_folders_of_dead_runs_are_removed(settings, tmp_path):
    import fcntl

    settings.VIDEO_WORK_DIR = tmp_path / "work"
    with work_dir(label="process-1") as live:
        (live / "preview.mp4").write_bytes(b"half")
        dead = settings.VIDEO_WORK_DIR / "process-2-dead"
        dead.mkdir()
        (dead / ".lock").write_bytes(b"")  # its process died: nobody holds the lock
        (dead / "preview.mp4").write_bytes(b"half")
        assert services.work_dirs_clean() == 1
        assert sorted(path.name for path in settings.VIDEO_WORK_DIR.iterdir()) == [live.name]
        with (live / ".lock").open("rb") as lock, pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # still held by the live run
    assert list(settings.VIDEO_WORK_DIR.iterdir()) == []
