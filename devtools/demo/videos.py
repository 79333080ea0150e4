"""Build the demo world's creators and videos, each made by the real pipeline (idempotent).

The source clips are drawn once and kept under ``var/demo-clips/`` (named by a hash of their
spec), so a reset database is seeded again in a minute and an existing one in a second.
"""

import datetime
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import OutputWrapper
from django.db import transaction

from creators import services
from creators.models import CreatorProfile, Video, VideoTopic
from devtools.demo import clips as democlips
from devtools.demo.world import PERSONAS, VIDEOS, DemoVideo, Persona, title_of
from platform.models import User

ADMIN_EMAIL = "admin@joyreel.localhost"  # reviews the demo's STEM and News videos
CURATED = ("stem", "news")


def clip_for(video: DemoVideo, persona: Persona, index: int) -> democlips.DemoClip:
    """Each video its own colours, motion and chord, in its creator's palette and key."""
    root = persona.root_hz
    steps = ((1.0, 1.26, 1.5), (1.0, 1.19, 1.5), (1.0, 1.26, 1.68), (1.0, 1.33, 1.68))[index % 4]
    return democlips.DemoClip(
        title=title_of(video.caption),
        byline=f"@{persona.handle}",
        colours=persona.palette[index % len(persona.palette)],
        motion=(index * 3 + len(persona.handle)) % 35,
        chord=(root * steps[0], root * steps[1], root * steps[2]),
        seconds=5.0,
    )


class DemoVideos:
    """What ``manage.py seed_demo_videos`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        admin = User.objects.filter(email=ADMIN_EMAIL).first()
        if admin is None:
            self.stdout.write("Run seed_demo first.")
            return
        profiles = {persona.handle: self._profile(persona) for persona in PERSONAS}
        personas = {persona.handle: persona for persona in PERSONAS}
        wanted = VIDEOS[: options["limit"]] if options["limit"] else VIDEOS
        existing = set(
            Video.objects.filter(owner__in=profiles.values()).values_list("owner__handle", "caption")
        )
        missing = [video for video in wanted if (video.handle, video.caption) not in existing]
        if not missing:
            self.stdout.write(f"Demo videos exist ({len(existing)}).")
            return
        index_of = {video: index for index, video in enumerate(VIDEOS)}
        clips = {video: clip_for(video, personas[video.handle], index_of[video]) for video in missing}
        cache = Path(settings.VAR_DIR) / "demo-clips"
        cache.mkdir(parents=True, exist_ok=True)
        paths = {video: cache / f"{clip.cache_key()}.mp4" for video, clip in clips.items()}
        to_draw = [video for video in missing if not paths[video].exists()]
        self.stdout.write(f"Drawing {len(to_draw)} demo clips (cached under {cache}) ...")
        # ffmpeg does the work outside the GIL: two at a time keep two cores busy.
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda video: democlips.render(clips[video], paths[video]), to_draw))
        for count, video in enumerate(missing, start=1):
            self._publish(video, profiles[video.handle], paths[video], admin)
            if count % 8 == 0 or count == len(missing):
                self.stdout.write(f"  published {count}/{len(missing)} demo videos")
        self.stdout.write(f"Demo world ready in {time.monotonic() - started:.0f}s.")

    def _profile(self, persona: Persona) -> CreatorProfile:
        user = User.objects.filter(email=persona.email).first()
        if user is None:
            user = User.objects.create_user(
                email=persona.email,
                password=None,  # a persona, not a login
                display_name=persona.display_name,
                date_of_birth=datetime.date(1990, 1, 1),
                country=persona.region[:2],
                region=persona.region,
            )
        if persona.is_verified_publisher and not user.is_verified_publisher:
            user.is_verified_publisher = True
            user.save(update_fields=["is_verified_publisher"])
        profile = CreatorProfile.objects.filter(user=user).first()
        if profile is None:
            profile = services.creator_profile_create(
                user=user, handle=persona.handle, display_name=persona.display_name, bio=persona.bio
            )
        return profile

    def _publish(self, demo: DemoVideo, profile: CreatorProfile, clip: Path, admin: User) -> None:
        # In this process, start to finish; the queued copies of these steps find them done.
        with transaction.atomic():
            video = services.video_upload(
                owner=profile,
                upload=SimpleUploadedFile(
                    f"{profile.handle}.mp4", clip.read_bytes(), content_type="video/mp4"
                ),
            )
        services.video_process(video_id=video.pk)
        video.refresh_from_db()
        services.video_update_details(
            video=video,
            caption=demo.caption,
            topic_slugs=list(demo.topics),
            visibility="public",
            content_level="general",
        )
        for video_topic in VideoTopic.objects.filter(video=video, topic__slug__in=CURATED):
            services.videotopic_review(actor=admin, video_topic=video_topic, approve=True)
        services.video_publish(video=video, start=0.0, end=video.duration or 5.0)
        services.video_render(video_id=video.pk)


def seed_demo_videos(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_videos`` with the options its command parsed."""
    DemoVideos(stdout=stdout, stderr=stderr).handle(**options)
