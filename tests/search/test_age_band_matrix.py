"""The platform's age-band matrix run against search: each band finds exactly what the recommending feeds
give it (``RECOMMENDED``), through the API and the page, also when it follows every creator (labels keep a
video out of search as out of recommendations; its link still opens it)."""

import pytest
from django.urls import reverse

from tests.platform.test_age_band_matrix import BANDS, RECOMMENDED, kinds_of, viewer_client, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("band", BANDS)
@pytest.mark.parametrize("follows", [False, True])
def test_each_band_in_search(world, indexed, band, follows):  # noqa: F811
    indexed(*world.videos.values())
    client, _ = viewer_client(band, follow=[*world.handles, world.teen_handle] if follows else [])
    body = client.get(reverse("api-search-videos"), {"q": "video number"}).json()
    assert kinds_of(world, {item["id"] for item in body["results"]}) == RECOMMENDED[band]
    page = client.get(reverse("search"), {"q": "video number"}).content.decode()
    shown = {kind for kind, video in world.videos.items() if video.get_absolute_url() in page}
    assert shown == RECOMMENDED[band]
