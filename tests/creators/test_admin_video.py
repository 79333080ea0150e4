"""The admin's video page: a player and the poster through the admin's own checked file view (also for videos
the viewers' view refuses, like removed ones), and the pipeline's bookkeeping read-only and folded away."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from creators.models import Video
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

RENDITION = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
POSTER = b"\xff\xd8\xff\xe0poster"


@pytest.fixture
def removed_video(media_root):
    video = VideoFactory.create(moderation_state=Video.Moderation.REMOVED)
    folder = Path(media_root) / "videos" / video.public_id.hex
    folder.mkdir(parents=True)
    (folder / "rendition-1.mp4").write_bytes(RENDITION)
    (folder / "poster.jpg").write_bytes(POSTER)
    Video.objects.filter(pk=video.pk).update(
        rendition=f"videos/{video.public_id.hex}/rendition-1.mp4",
        poster=f"videos/{video.public_id.hex}/poster.jpg",
        work_heartbeat_at=video.created_at,
    )
    video.refresh_from_db()
    return video


def file_url(video: Video, kind: str) -> str:
    return reverse("admin:creators_video_file", args=[video.pk, kind])


def test_the_video_page_plays_the_rendition_and_shows_the_poster(client, admin_user, removed_video):
    client.force_login(admin_user)
    html = client.get(reverse("admin:creators_video_change", args=[removed_video.pk])).content.decode()
    assert f'src="{file_url(removed_video, "video")}" data-testid="admin-player"' in html
    assert f'<img src="{file_url(removed_video, "poster")}" alt="The poster"' in html
    assert "/media/" not in html


def test_pipeline_internals_are_read_only_in_a_collapsed_fieldset(client, admin_user, removed_video):
    client.force_login(admin_user)
    response = client.get(reverse("admin:creators_video_change", args=[removed_video.pk]))
    fieldsets = {fieldset.name: fieldset for fieldset in response.context["adminform"]}
    internals = fieldsets["Processing (pipeline internals, read-only)"]
    assert "collapse" in internals.classes
    form_fields = set(response.context["adminform"].form.fields)
    assert {"work_heartbeat_at", "attempts", "video_codec", "moderation_state"}.isdisjoint(form_fields)
    assert {"caption", "visibility", "content_level"} <= form_fields
    assert 'name="work_heartbeat_at' not in response.content.decode()


def test_staff_who_may_view_videos_get_the_files_of_a_removed_video(client, removed_video):
    moderator = UserFactory.create(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="view_video"))
    client.force_login(moderator)
    # The viewers' file view refuses a removed video, to staff as to anyone.
    assert (
        client.get(reverse("creators:video_file", args=[removed_video.public_id, "video"])).status_code == 404
    )
    whole = client.get(file_url(removed_video, "video"))
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == RENDITION
    part = client.get(file_url(removed_video, "video"), HTTP_RANGE="bytes=0-11")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == RENDITION[:12]
    poster = client.get(file_url(removed_video, "poster"))
    assert (poster.status_code, poster["Content-Type"]) == (200, "image/jpeg")


def test_staff_without_the_permission_get_no_file(client, removed_video):
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(file_url(removed_video, "video")).status_code == 403


def test_visitors_are_sent_to_the_admin_login(client, removed_video):
    response = client.get(file_url(removed_video, "video"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("kind", ["original", "preview", "rendition"])
def test_only_the_poster_and_the_rendition_are_served(client, admin_user, removed_video, kind):
    client.force_login(admin_user)
    assert (
        client.get(f"{reverse('admin:creators_video_changelist')}{removed_video.pk}/file/{kind}").status_code
        == 404
    )


def test_a_video_without_a_rendition_says_so_instead_of_a_player(client, admin_user):
    video = VideoFactory.create(state=Video.State.PROCESSING)
    client.force_login(admin_user)
    html = client.get(reverse("admin:creators_video_change", args=[video.pk])).content.decode()
    assert "No playable rendition yet (Processing)." in html
    assert "<video" not in html
    assert client.get(file_url(video, "video")).status_code == 404
