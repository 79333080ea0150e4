"""The sponsored-slot interface: ``businesses`` registers a provider; by default there is none.

The feed asks for at most one slot per For You page, only for viewers whose age policy allows
promotions, labels it "Sponsored · paid for by <business>" and logs its signals with the ``sponsored``
source. The signal pipeline hands the provider each sponsored impression it stored (once per event
id, in the same transaction), so that the provider can charge for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from platform.viewer import Viewer


@dataclass(frozen=True)
class SponsoredSlot:
    video_id: int
    sponsor_name: str
    click_url: str
    promotion_id: int
    call_to_action: str = "Learn more"
    # Why this viewer sees it, in a sentence (EU DSA Art. 26): the audience the business chose.
    why: str = "Promotions are shown only to adults."


class SponsoredProvider(Protocol):
    def slot_for(
        self,
        *,
        viewer: Viewer,
        feed: str,
        exclude_video_ids: set[int],
        topic_interest: Mapping[int, float],
        hidden_creators: frozenset[int] | None = None,
    ) -> SponsoredSlot | None:
        """The slot for this page, or None. ``exclude_video_ids`` holds what the viewer was already served
        in this session and what they hid (a video the page holds anyway moves into the slot);
        ``topic_interest`` their topic weights; ``hidden_creators`` the creator profiles of the accounts
        they blocked, were blocked by or muted, as their interest profile keeps them (None when the page
        has no such copy: the provider asks). The page's last check drops a hidden video either way."""
        ...

    def impressions_record(self, *, viewer: Viewer, video_ids: Sequence[int], now: datetime.datetime) -> None:
        """Sponsored impressions the player reported and the pipeline stored (inside its transaction)."""
        ...


class NoSponsoredSlots:
    def slot_for(
        self,
        *,
        viewer: Viewer,
        feed: str,
        exclude_video_ids: set[int],
        topic_interest: Mapping[int, float],
        hidden_creators: frozenset[int] | None = None,
    ) -> SponsoredSlot | None:
        return None

    def impressions_record(self, *, viewer: Viewer, video_ids: Sequence[int], now: datetime.datetime) -> None:
        return None


_provider: SponsoredProvider = NoSponsoredSlots()


def register_provider(provider: SponsoredProvider) -> None:
    global _provider
    _provider = provider


def provider() -> SponsoredProvider:
    return _provider
