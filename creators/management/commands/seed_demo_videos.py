"""Give the demo creator a profile and a few published videos, made by the real pipeline (idempotent)."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from creators import services, testclips
from creators.models import CreatorProfile, Video
from platform.models import User

DEMO_VIDEOS = [
    ("Sunrise over the test pattern #morning #colours", ["art"], 720, 1280),
    ("How a rainbow gets its order #physics #light", ["stem", "education"], 720, 1280),
    ("Six seconds of calm #relax", ["music"], 1280, 720),
]


class Command(BaseCommand):
    help = "Create @cleo's creator profile and three published demo videos for the demo creator."

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email="creator@joyreel.localhost").first()
        if user is None:
            self.stdout.write("Run seed_demo first.")
            return
        profile = CreatorProfile.objects.filter(user=user).first() or services.creator_profile_create(
            user=user,
            handle="cleo",
            display_name="Cleo Creator",
            bio="Colours, light and calm. Demo account.",
        )
        if Video.objects.filter(owner=profile).exists():
            self.stdout.write("Demo videos exist.")
            return
        with tempfile.TemporaryDirectory(prefix="joyreel-demo-") as workdir:
            for index, (caption, topics, width, height) in enumerate(DEMO_VIDEOS):
                clip = Path(workdir) / f"demo-{index}.mp4"
                testclips.make_test_clip(destination=clip, seconds=6, width=width, height=height)
                # In this process, start to finish; the queued copies of these steps find them done.
                with transaction.atomic():
                    video = services.video_upload(
                        owner=profile,
                        upload=SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4"),
                    )
                services.video_process(video_id=video.pk)
                video.refresh_from_db()
                services.video_update_details(
                    video=video,
                    caption=caption,
                    topic_slugs=topics,
                    visibility="public",
                    content_level="general",
                )
                services.video_publish(video=video, start=0.5, end=5.5)
                services.video_render(video_id=video.pk)
                self.stdout.write(f"  published demo video {index + 1}: {caption}")
