"""The sponsored-slot interface: ``businesses`` registers a provider; by default there is none.

The feed asks for at most one slot per page, only for viewers whose age policy
allows promotions, labels it "Sponsored" and logs its signals with the
``sponsored`` source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from platform.viewer import Viewer


@dataclass(frozen=True)
class SponsoredSlot:
    video_id: int
    sponsor_name: str
    click_url: str
    promotion_id: int


class SponsoredProvider(Protocol):
    def slot_for(self, *, viewer: Viewer, feed: str, exclude_video_ids: set[int]) -> SponsoredSlot | None: ...


class NoSponsoredSlots:
    def slot_for(self, *, viewer: Viewer, feed: str, exclude_video_ids: set[int]) -> SponsoredSlot | None:
        return None


_provider: SponsoredProvider = NoSponsoredSlots()


def register_provider(provider: SponsoredProvider) -> None:
    global _provider
    _provider = provider


def provider() -> SponsoredProvider:
    return _provider
