"""A small interface for apps above ``creators`` to hear that a video changed (published, moderated, deleted).

``creators`` may not import the apps above it; they register listeners in their
``AppConfig.ready()`` and services call ``video_changed`` after commit.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from creators.models import CreatorProfile, Video

_listeners: list[Callable[[int], None]] = []


def on_video_changed(listener: Callable[[int], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def video_changed(video_id: int) -> None:
    for listener in _listeners:
        listener(video_id)


# How many times each video was viewed: the signal log and its rollups live in ``feeds``.
ViewCounts = Callable[[Sequence[int]], dict[int, int]]
_view_counts: list[ViewCounts] = []


def provide_view_counts(provider: ViewCounts) -> None:
    _view_counts[:] = [provider]


def view_counts(video_ids: Sequence[int]) -> dict[int, int]:
    """Views per video id (missing ids: none counted yet); empty when no app provides them."""
    return _view_counts[0](video_ids) if _view_counts and video_ids else {}


# The page a video's own link (/v/<id>/) opens. ``feeds`` provides it: the vertical player with the
# feed's actions, starting at that video. ``creators`` checks who may see the video before calling it.
WatchPage = Callable[["HttpRequest", "Video"], "HttpResponse"]
_watch_page: list[WatchPage] = []


def provide_watch_page(page: WatchPage) -> None:
    _watch_page[:] = [page]


def watch_page() -> WatchPage | None:
    return _watch_page[0] if _watch_page else None


@dataclass(frozen=True, slots=True)
class ProfileBadge:
    """What a profile page shows of an account that is more than a creator (a business): plain text,
    escaped by the template, and a link on this site (``website_url``) that counts the visit first."""

    name: str
    category: str
    place: str
    is_verified: bool = False
    website_url: str | None = None
    # A website shown as text, not a link (the business is not verified): escaped like the rest.
    website_text: str = ""


# The business behind a creator profile, if any: ``businesses`` provides it; ``creators`` shows it on
# ``/@handle``.
ProfileBadges = Callable[["CreatorProfile"], ProfileBadge | None]
_profile_badge: list[ProfileBadges] = []


def provide_profile_badge(provider: ProfileBadges) -> None:
    _profile_badge[:] = [provider]


def profile_badge(creator: "CreatorProfile") -> ProfileBadge | None:
    return _profile_badge[0](creator) if _profile_badge else None


# A profile page was opened: ``feeds`` counts it for the creator's analytics (the creator's own visits
# and staff visits are left out when it is rolled up).
ProfileVisited = Callable[["CreatorProfile", "HttpRequest"], None]
_profile_visited: list[ProfileVisited] = []


def provide_profile_visited(listener: ProfileVisited) -> None:
    _profile_visited[:] = [listener]


def profile_visited(creator: "CreatorProfile", request: "HttpRequest") -> None:
    if _profile_visited:
        _profile_visited[0](creator, request)


# Where a creator may promote their own videos: ``businesses`` provides the promotion form's link for
# each video it would accept from this owner (an adult; none for a minor). Callers pass only the
# requester's own profile, with its ``user`` loaded, and ask once for a whole list.
PromoteLinks = Callable[["CreatorProfile", Sequence["Video"]], dict[int, str]]
_promote_links: list[PromoteLinks] = []


def provide_promote_links(provider: PromoteLinks) -> None:
    _promote_links[:] = [provider]


def promote_links(owner: "CreatorProfile", videos: Sequence["Video"]) -> dict[int, str]:
    """The "Promote" link per video id (videos that may not be promoted have none)."""
    return _promote_links[0](owner, videos) if _promote_links and videos else {}


# Whether an account may put links in its comments beyond being a verified publisher: ``businesses``
# answers for verified businesses.
LinkPermission = Callable[[int], bool]
_link_permissions: list[LinkPermission] = []


def provide_link_permission(provider: LinkPermission) -> None:
    if provider not in _link_permissions:
        _link_permissions.append(provider)


def may_post_links(user_id: int) -> bool:
    return any(provider(user_id) for provider in _link_permissions)


# Apps above ``creators`` hear of each new comment after commit (``feeds`` learns an interest signal).
_comment_listeners: list[Callable[[int], None]] = []


def on_comment_posted(listener: Callable[[int], None]) -> None:
    if listener not in _comment_listeners:
        _comment_listeners.append(listener)


def comment_posted(comment_id: int) -> None:
    for listener in _comment_listeners:
        listener(comment_id)


# Apps above ``creators`` hear that a creator's name or handle changed, after commit (search reindexes it).
_profile_listeners: list[Callable[[int], None]] = []


def on_profile_changed(listener: Callable[[int], None]) -> None:
    if listener not in _profile_listeners:
        _profile_listeners.append(listener)


def profile_changed(profile_id: int) -> None:
    for listener in _profile_listeners:
        listener(profile_id)
