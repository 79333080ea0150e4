"""Search tests: videos made by the factories are indexed the way the services' hook indexes them."""

import pytest

from creators.models import Hashtag, Video
from creators.services.publishing import hashtags_parse
from feeds.search.indexing import video_index


@pytest.fixture
def indexed():
    """Index factory-made videos (the factories write rows directly, past the services' hooks), with the
    hashtags of their captions linked as ``video_update_details`` links them."""

    def index(*videos: Video) -> None:
        for video in videos:
            names = hashtags_parse(video.caption)
            Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
            video.hashtags.set(Hashtag.objects.filter(name__in=names))
            video_index(video_id=video.pk)

    return index
