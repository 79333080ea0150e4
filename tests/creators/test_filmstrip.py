"""The trim editor's filmstrip: a one-row JPEG sprite of square thumbnails made by the preview's own ffmpeg
run (no second run, no second decode), stored beside the poster, served to the video's owner only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageStat

from creators import media, services
from creators.models import Video
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory, UserFactory, VideoFactory

FRAMES, TILE = media.FILMSTRIP_FRAMES, media.FILMSTRIP_TILE_PIXELS


def probed(path: Path) -> media.ProbeResult:
    return media.probe(path=path, max_seconds=60, max_pixels=10**7)


def tiles(path: Path) -> list[Image.Image]:
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == (FRAMES * TILE, TILE)
        return [
            image.crop((index * TILE, 0, (index + 1) * TILE, TILE)).convert("L") for index in range(FRAMES)
        ]


@pytest.mark.parametrize("kind", ["portrait", "mpeg4", "rotated"])
def test_the_preview_run_also_writes_a_sprite_with_every_tile_filled(tmp_path: Path, clips: Clips, kind: str):
    source = getattr(clips, kind)
    info = probed(source)
    sprite = tmp_path / "filmstrip.jpg"
    media.make_preview(source=source, destination=tmp_path / "preview.mp4", probe=info, filmstrip=sprite)
    assert (tmp_path / "preview.mp4").stat().st_size > 0
    for index, tile in enumerate(tiles(sprite)):
        # The test pattern is bright everywhere: a black tile would be one the run left empty.
        assert ImageStat.Stat(tile).mean[0] > 60, index
    assert sprite.stat().st_size < 120_000  # small enough to load with the editor


def test_the_sprite_is_one_more_output_of_the_same_run_and_decode(
    tmp_path: Path, clips: Clips, monkeypatch: pytest.MonkeyPatch
):
    runs: list[list[str]] = []
    real_run = media._run

    def counting_run(*, argv: list[str], timeout: float):
        runs.append(argv)
        return real_run(argv=argv, timeout=timeout)

    monkeypatch.setattr(media, "_run", counting_run)
    for clip in (clips.portrait, clips.mpeg4):
        info = probed(clip)
        runs.clear()
        media.make_preview(
            source=clip,
            destination=tmp_path / f"{clip.stem}.mp4",
            probe=info,
            filmstrip=tmp_path / f"{clip.stem}.jpg",
        )
        assert len(runs) == 1  # one ffmpeg process for the preview and the sprite
        (argv,) = runs
        assert argv.count("-i") == 1  # one input, so one decoder for both outputs
        outputs = [argv[index + 1] for index, arg in enumerate(argv) if arg == "-f"][1:]
        assert outputs == ["mp4", "mjpeg"]
        if info.is_browser_playable:
            # The preview is a stream copy: the sprite decodes keyframes only.
            assert argv[argv.index("-skip_frame:v") + 1] == "nokey"
        else:
            # The preview is encoded: the sprite takes the frames already decoded for it.
            assert "-skip_frame:v" not in argv


@pytest.mark.django_db
def test_processing_stores_the_sprite_beside_the_poster_for_the_owner_only(
    client, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    creator = CreatorFactory.create()
    upload = SimpleUploadedFile("clip.mp4", clips.portrait.read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_upload(owner=creator, upload=upload)
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT
    folder = f"videos/{video.public_id.hex}/"
    filmstrip, poster = str(video.filmstrip.name), str(video.poster.name)
    assert filmstrip.startswith(f"{folder}filmstrip-")
    assert Path(filmstrip).name.split("-")[1] == Path(poster).name.split("-")[1]  # one run's token
    url = reverse("creators:video_file", args=[video.public_id, "filmstrip"])
    client.force_login(creator.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    editor = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    assert f'data-src="{url}"' in editor
    assert 'data-role="ruler"' in editor
    # Nobody else gets it, published or not.
    Video.objects.filter(pk=video.pk).update(state=Video.State.PUBLISHED)
    client.force_login(UserFactory.create())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert not [name for name in stored_files(media_root) if name.startswith(folder)]


@pytest.mark.django_db
def test_an_older_video_without_a_sprite_gets_the_ruler_only(client):
    video = VideoFactory.create(state=Video.State.DRAFT, preview="videos/x/preview.mp4", published_at=None)
    client.force_login(video.owner.user)
    editor = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    assert 'data-role="ruler"' in editor
    assert 'data-role="filmstrip"' not in editor
    assert client.get(reverse("creators:video_file", args=[video.public_id, "filmstrip"])).status_code == 404


def test_a_failed_preview_run_leaves_no_sprite(tmp_path: Path, clips: Clips, monkeypatch: pytest.MonkeyPatch):
    info = probed(clips.portrait)
    sprite = tmp_path / "filmstrip.jpg"

    def failing_run(*, argv: list[str], timeout: float):
        sprite.write_bytes(b"half")
        raise media.MediaError("The video could not be processed.")

    monkeypatch.setattr(media, "_run", failing_run)
    with pytest.raises(media.MediaError):
        media.make_preview(
            source=clips.portrait, destination=tmp_path / "preview.mp4", probe=info, filmstrip=sprite
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == []
