"""The index follows the services: publish, edit, moderate, age-restrict, delete, rename; and
``search_reindex`` rebuilds it."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from creators import services as creator_services
from creators.models import Decision, Video
from creators.trust.decisions import decision_take
from creators.trust.moderation import video_moderate
from feeds.search import selectors
from feeds.search.models import SearchTerm, VideoDocument
from feeds.search.text import query_parse
from platform.viewer import viewer_for_user
from tests.clips import Clips
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def found(text: str, viewer=None) -> list[int]:
    viewer = viewer or viewer_for_user(None, key="a:upkeep")
    return [video.pk for video in selectors.videos_search(viewer=viewer, query=query_parse(text)).items]


def edit(video: Video, caption: str) -> Video:
    return creator_services.video_update_details(
        video=video, caption=caption, topic_slugs=[], visibility="public", content_level="general"
    )


def test_a_published_video_is_found_within_a_second(
    clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create(display_name="Bäckerei Huber")
    clip = clips.landscape
    with django_capture_on_commit_callbacks(execute=True):
        video = creator_services.video_upload(
            owner=creator, upload=SimpleUploadedFile("clip.mp4", clip.read_bytes(), content_type="video/mp4")
        )
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Warm Brezn from the oven #pretzel")
    assert found("brezn") == []  # a draft is not searchable
    with django_capture_on_commit_callbacks(execute=True):
        creator_services.video_publish(video=video, start=0.0, end=2.0)
    published = time.monotonic()
    video.refresh_from_db()
    assert video.state == Video.State.PUBLISHED
    assert found("brezn") == [video.pk]
    assert found("backerei huber") == [video.pk]
    assert time.monotonic() - published < 1.0
    assert SearchTerm.objects.get(kind="hashtag", text="pretzel").video_count == 1


def test_a_caption_edit_replaces_the_words(django_capture_on_commit_callbacks):
    video = published_video(caption="old words")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Alpine lake swim #summer")
    assert found("alpine") == [video.pk]
    assert found("summer") == [video.pk]
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Winter hike")
    assert found("alpine") == []
    assert found("winter") == [video.pk]
    assert not SearchTerm.objects.filter(kind="hashtag", text="summer").exists()  # no public video left


def test_removing_takes_a_video_out_and_restoring_brings_it_back(django_capture_on_commit_callbacks):
    moderator = UserFactory.create(is_staff=True)
    video = published_video(caption="placeholder")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Sunrise timelapse")
    assert found("timelapse") == [video.pk]
    with django_capture_on_commit_callbacks(execute=True):
        decision_take(
            actor=moderator, action=Decision.Action.REMOVE, facts="Spam.", guideline="spam", video=video
        )
    assert found("timelapse") == []
    assert not VideoDocument.objects.filter(video=video).exists()
    with django_capture_on_commit_callbacks(execute=True):
        video_moderate(actor=moderator, video=video, state=Video.Moderation.VISIBLE, reason="Restored")
    assert found("timelapse") == [video.pk]


def test_age_restricting_hides_a_video_from_minors_at_once(django_capture_on_commit_callbacks):
    moderator = UserFactory.create(is_staff=True)
    video = published_video(caption="placeholder")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Stunt jump compilation")
    minor = viewer_for_user(UserFactory.create(date_of_birth=born_years_ago(15)))
    adult = viewer_for_user(UserFactory.create())
    assert found("stunt", minor) == [video.pk]
    with django_capture_on_commit_callbacks(execute=True):
        decision_take(
            actor=moderator,
            action=Decision.Action.AGE_RESTRICT,
            facts="Dangerous.",
            guideline="dangerous",
            video=video,
        )
    assert found("stunt", minor) == []
    assert found("stunt", adult) == [video.pk]


def test_deleting_a_video_takes_it_out(django_capture_on_commit_callbacks):
    video = published_video(caption="placeholder")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Gone tomorrow")
    assert found("tomorrow") == [video.pk]
    with django_capture_on_commit_callbacks(execute=True):
        creator_services.video_delete(video=video)
    assert found("tomorrow") == []
    assert not VideoDocument.objects.filter(video_id=video.pk).exists()


def test_renaming_a_creator_reindexes_their_videos(django_capture_on_commit_callbacks):
    creator = CreatorFactory.create(display_name="Anna")
    video = published_video(owner=creator, caption="placeholder")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Morning routine")
    with django_capture_on_commit_callbacks(execute=True):
        creator_services.creator_profile_update(
            profile=creator, display_name="Zuzanna Kowalska", bio="", links=[], region=""
        )
    assert found("kowalska") == [video.pk]
    assert found("anna") == []
    page = selectors.creators_search(viewer=viewer_for_user(None, key="a:x"), query=query_parse("zuzanna"))
    assert [hit.profile.pk for hit in page.items] == [creator.pk]


def test_search_reindex_rebuilds_everything():
    videos = [published_video(caption=f"Reindexed clip {index}") for index in range(3)]
    draft = published_video(caption="Reindexed draft", state=Video.State.DRAFT)
    assert VideoDocument.objects.count() == 0  # the factories write past the services
    call_command("search_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(VideoDocument.objects.values_list("video_id", flat=True)) == {video.pk for video in videos}
    assert draft.pk not in found("reindexed")
    assert set(found("reindexed")) == {video.pk for video in videos}


def test_deleting_an_account_leaves_nothing_of_it_in_search(django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from platform.account_deletion import GRACE_PERIOD, account_delete

    creator = CreatorFactory.create(handle="leaving_soon", display_name="Lea Leaving")
    video = published_video(owner=creator, caption="placeholder")
    with django_capture_on_commit_callbacks(execute=True):
        edit(video, "Goodbye sunset")
    assert SearchTerm.objects.filter(kind="creator", object_id=creator.pk).count() == 2
    user = creator.user
    user.deletion_requested_at = timezone.now() - GRACE_PERIOD - datetime.timedelta(minutes=1)
    user.save(update_fields=["deletion_requested_at"])
    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete(user_id=user.pk)
    assert not SearchTerm.objects.filter(kind="creator").exists()
    assert not VideoDocument.objects.exists()
    assert found("goodbye") == []
