"""``stored_name`` reads a file field's stored name as ``instance.<field>.name`` does, in every state the
field's value can be in: as loaded, read once, assigned, deferred, empty."""

import pytest
from django.core.files.base import ContentFile

from creators.models import CreatorProfile, Video, stored_name
from tests.factories import published_video

pytestmark = pytest.mark.django_db


def test_stored_name_is_the_descriptors_name_in_every_state():
    video = published_video()
    Video.objects.filter(pk=video.pk).update(poster="videos/abc/poster-1a2b3c4d.jpg", stream="")

    loaded = Video.objects.get(pk=video.pk)
    assert isinstance(loaded.__dict__["poster"], str)  # as loaded: no FieldFile made yet
    assert stored_name(loaded, "poster") == "videos/abc/poster-1a2b3c4d.jpg"
    assert isinstance(loaded.__dict__["poster"], str)  # still none made
    assert stored_name(loaded, "stream") == "" == loaded.stream.name

    loaded.poster.name  # noqa: B018  (read through the descriptor: now a FieldFile)
    assert stored_name(loaded, "poster") == loaded.poster.name == "videos/abc/poster-1a2b3c4d.jpg"

    loaded.poster = ContentFile(b"jpeg", name="new.jpg")  # assigned, not saved
    assert stored_name(loaded, "poster") == loaded.poster.name == "new.jpg"

    deferred = Video.objects.only("id").get(pk=video.pk)
    assert "poster" not in deferred.__dict__
    assert stored_name(deferred, "poster") == "videos/abc/poster-1a2b3c4d.jpg"

    owner = CreatorProfile.objects.get(pk=video.owner_id)
    assert stored_name(owner, "avatar_large") == (owner.avatar_large.name or "")
