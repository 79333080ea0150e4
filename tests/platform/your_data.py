"""A person with a bit of everything Joyreel keeps (profile, avatar, videos with real files, follows,
signals, a report, notifications), and someone else beside them, for the export and deletion tests."""

import io
import uuid
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image

from creators import services as creator_services
from creators.models import CreatorProfile, Report, Video
from feeds.models import InterestProfile, Signal
from platform.models import Block, ScreenTimeDay, User
from platform.notifications import notify
from tests.clips import Clips
from tests.factories import CreatorFactory, UserFactory, VideoFactory


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 40, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def video_with_files(*, owner: CreatorProfile, clip: Clips, landscape: bool = False) -> Video:
    """A published video whose original, poster, preview and rendition are real files in media storage."""
    source = clip.landscape if landscape else clip.portrait
    video = VideoFactory.create(owner=owner, original="")
    with source.open("rb") as handle:
        video.original.save("original.mp4", File(handle), save=False)
        handle.seek(0)
        video.preview.save("preview.mp4", File(handle), save=False)
        handle.seek(0)
        video.rendition.save("rendition-1.mp4", File(handle), save=False)
    video.poster.save("poster.jpg", ContentFile(png_bytes()), save=False)
    video.save()
    return video


def signal(*, viewer_key: str, video: Video, kind: str = "complete") -> Signal:
    return Signal.objects.create(
        viewer_key=viewer_key,
        event_id=uuid.uuid4(),
        video=video,
        kind=kind,
        source="for_you",
        watched_seconds=3.0,
    )


@dataclass
class World:
    person: User
    profile: CreatorProfile
    videos: list[Video]
    other: User
    other_profile: CreatorProfile
    other_video: Video
    follower: User


def world(clips: Clips) -> World:
    person = UserFactory.create(email="quillon.marlowe@example.com", display_name="Quillon Marlowe")
    profile = CreatorFactory.create(user=person, handle="quillon", display_name="Quillon Marlowe")
    creator_services.creator_avatar_set(profile=profile, data=io.BytesIO(png_bytes()))
    videos = [video_with_files(owner=profile, clip=clips), video_with_files(owner=profile, clip=clips)]
    other = UserFactory.create(email="someone.else@example.com", display_name="Ottilie Other")
    other_profile = CreatorFactory.create(user=other, handle="ottilie", display_name="Ottilie Other")
    other_video = video_with_files(owner=other_profile, clip=clips, landscape=True)
    follower = UserFactory.create(email="fan@example.com", display_name="Fanny Follower")

    creator_services.follow_create(follower=person, creator=other_profile)
    creator_services.follow_create(follower=follower, creator=profile)
    person_key, other_key = f"u:{person.pk}", f"u:{other.pk}"
    signal(viewer_key=person_key, video=other_video)
    signal(viewer_key=person_key, video=other_video, kind="like")
    signal(viewer_key=other_key, video=videos[0])
    signal(viewer_key=other_key, video=other_video)
    InterestProfile.objects.create(
        viewer_key=person_key, user=person, weights={"c": {str(other_profile.pk): 1.0}}, seen=[other_video.pk]
    )
    InterestProfile.objects.create(viewer_key=other_key, user=other, weights={"c": {str(profile.pk): 1.0}})
    Report.objects.create(
        video=other_video,
        reporter=person,
        viewer_key=person_key,
        reason="spam",
        detail="Looks like spam to me",
    )
    notify(user=person, kind="account", title="Welcome, Quillon Marlowe")
    notify(user=other, kind="account", title="Welcome, Ottilie")
    Block.objects.create(blocker=person, blocked=follower)
    Block.objects.create(blocker=other, blocked=person)
    ScreenTimeDay.objects.create(user=person, day="2026-01-02", seconds=600)
    return World(
        person=person,
        profile=profile,
        videos=videos,
        other=other,
        other_profile=other_profile,
        other_video=other_video,
        follower=follower,
    )
