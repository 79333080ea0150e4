"""A failure is recorded against the step that was running, decided in one place (``Video.working_step``)."""

import datetime

import pytest
from django.utils import timezone

from creators import services
from creators.models import Video
from tests.factories import VideoFactory

State, Step = Video.State, Video.Step


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.UPLOADED, Step.PROCESSING),
        (State.PROCESSING, Step.PROCESSING),
        (State.DRAFT, Step.PUBLISHING),
        (State.PUBLISHING, Step.PUBLISHING),
        (State.FAILED, Step.PUBLISHING),
        (State.PUBLISHED, Step.RETRIM),
    ],
)
def test_working_step_is_the_step_a_failure_is_recorded_against(state, step):
    assert Video(state=state).working_step == step


@pytest.mark.django_db
def test_recovery_gives_up_after_too_many_attempts_and_fails_the_step_that_was_running(
    django_capture_on_commit_callbacks,
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    stuck = {"attempts": services.MAX_ATTEMPTS, "work_started_at": long_ago}
    processing = VideoFactory.create(state=State.PROCESSING, published_at=None, **stuck)
    publishing = VideoFactory.create(state=State.PUBLISHING, published_at=None, **stuck)
    retrim = VideoFactory.create(state=State.PUBLISHED, pending_trim_start=0.5, pending_trim_end=2.5, **stuck)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.videos_recover_stuck(older_than=datetime.timedelta(minutes=30)) == 0

    rows = {
        video.pk: (video.state, video.failed_step, video.failure_reason, video.pending_trim_end)
        for video in Video.objects.filter(work_started_at=None)
    }
    assert rows == {
        processing.pk: (State.FAILED, Step.PROCESSING, services.GAVE_UP, None),
        publishing.pk: (State.FAILED, Step.PUBLISHING, services.GAVE_UP, None),
        # The live rendition stays published; only the new trim is dropped.
        retrim.pk: (
            State.PUBLISHED,
            Step.RETRIM,
            f"The new trim could not be made: {services.GAVE_UP}",
            None,
        ),
    }


@pytest.mark.django_db
def test_retry_resumes_the_step_that_failed(django_capture_on_commit_callbacks):
    failed_render = VideoFactory.create(state=State.FAILED, failed_step=Step.PUBLISHING, published_at=None)
    failed_processing = VideoFactory.create(
        state=State.FAILED, failed_step=Step.PROCESSING, published_at=None
    )

    with django_capture_on_commit_callbacks(execute=False):
        services.video_retry(video=failed_render)
        services.video_retry(video=failed_processing)

    failed_render.refresh_from_db()
    failed_processing.refresh_from_db()
    assert (failed_render.state, failed_render.failed_step) == (State.PUBLISHING, "")
    assert (failed_processing.state, failed_processing.failed_step) == (State.UPLOADED, "")
