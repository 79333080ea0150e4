"""Search's reads: videos ranked for the viewer, creators, hashtags, suggestions and the notices a query
shows. Every video result is one the feeds could show this viewer (``search_eligible``)."""

from __future__ import annotations

import dataclasses
import time
import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from creators.models import CreatorProfile, Video
from creators.selectors import creator_is_restricted_q, follows_approved, videos_visible
from feeds import ranking
from feeds.catalog import catalog_recent, features_load, recommendable_q
from feeds.ranking import Features, Weights
from feeds.search import text
from feeds.search.backends import CANDIDATES, MAX_MATCHES, search_backend
from feeds.search.models import SearchNotice, SearchTerm
from feeds.search.text import Query, words
from feeds.selectors import profile_get
from platform import age, blocking
from platform.cache import cache_forget
from platform.models import Mute, User
from platform.screen_time import screen_time_guard
from platform.statements import STAND_IN_ID, StatementCache, ids_param, ids_subquery
from platform.viewer import Viewer

PAGE_SIZE = 20
SUGGESTIONS = 8
# Text relevance counts this many times over in the order: the viewer's interest reorders close matches,
# it does not lift a poor match above a good one.
TEXT_POWER = 2.0
# How old the feed catalog's features may be for ranking search results (its counts; who may see a
# video is checked in the database).
FEATURES_MAX_AGE_SECONDS = 600.0
# The active notices are cached (``notices_changed`` drops them); without a shared cache (CACHE_URL) each
# process keeps its own copy, and a minute bounds how long another process shows a changed list.
NOTICES_CACHE_KEY = "search:notices:v1"
NOTICES_CACHE_SECONDS = 60
# How many of the best text matches one query checks against the whole eligibility rule.
ELIGIBILITY_CHUNK = MAX_MATCHES + MAX_MATCHES // 2

# What a video result shows (the search page's card and the API's item), and no more: loading every
# column of twenty videos with their creators and accounts was a third of a search's time.
RESULT_FIELDS = (
    "public_id",
    "caption",
    "poster",
    "published_at",
    "owner__handle",
    "owner__display_name",
)

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class ResultPage(Generic[Item]):
    items: list[Item]
    next_offset: int | None


@dataclass(frozen=True, slots=True)
class CreatorHit:
    profile: CreatorProfile
    video_count: int


@dataclass(frozen=True, slots=True)
class HashtagHit:
    name: str
    video_count: int
    url: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str
    label: str
    url: str


def _page(ids: list[Item], offset: int, size: int) -> tuple[list[Item], int | None]:
    chosen = ids[offset : offset + size]
    return chosen, offset + size if offset + size < len(ids) else None


def search_eligible(*, viewer: Viewer) -> QuerySet[Video]:
    """The videos search may show this viewer: those the viewer may watch (``videos_visible``: moderation,
    visibility, privacy, age rating, restricted mode, blocks) that the feeds would also recommend
    (``recommendable_videos``: not limited, under review or labelled unverified), from accounts the viewer
    has not muted. Others stay reachable by their link."""
    # The same row's conditions, not a subquery of every recommendable video: SQLite listed all of them
    # before looking at the few a search asks about.
    queryset = videos_visible(viewer=viewer).filter(recommendable_q())
    if viewer.user_id is not None:
        queryset = queryset.exclude(
            owner__user_id__in=Mute.objects.filter(muter_id=viewer.user_id).values("muted_id")
        )
    return queryset


_eligible_statements = StatementCache(size=16)


def eligible_among(*, viewer: Viewer, video_ids: list[int]) -> set[int]:
    """Which of ``video_ids`` ``search_eligible`` lets this viewer see. Its SQL is compiled once per kind
    of viewer and day (``platform.statements``), the ids one parameter: building the query took longer
    than the database's answer, and a list of 300 placeholders was parsed and planned every time."""
    signed_in = viewer.user is not None
    key = (signed_in, viewer.policy, viewer.is_restricted_mode, age.today())
    stand_in_ids = ids_param([STAND_IN_ID - 1])
    stand_ins: dict[str, object] = {"video_ids": stand_in_ids}
    if signed_in:
        stand_ins["user_id"] = STAND_IN_ID
    stand_in = dataclasses.replace(viewer, user=User(pk=STAND_IN_ID) if signed_in else None)
    statement = _eligible_statements.statement(
        key,
        stand_ins,
        lambda: (
            search_eligible(viewer=stand_in)
            .filter(pk__in=ids_subquery(stand_in_ids))
            .order_by()
            .values_list("pk", flat=True)
        ),
    )
    if statement is None:
        return set(search_eligible(viewer=viewer).filter(pk__in=video_ids).values_list("pk", flat=True))
    return {row[0] for row in statement.run({"video_ids": ids_param(video_ids), "user_id": viewer.user_id})}


def _neutral(video_id: int, now_ts: float) -> Features:
    """A video the ranking features do not cover yet (published this second): ranked as new."""
    return Features(
        video_id=video_id,
        public_id=uuid.UUID(int=0),
        creator_id=0,
        topic_ids=(),
        hashtag_ids=(),
        region="",
        is_mature=False,
        is_news_verified=False,
        published_ts=now_ts,
        duration=0.0,
        impressions=0,
        completions=0,
        likes=0,
        shares=0,
        skips=0,
        not_interested=0,
        recent_completions=0.0,
    )


def videos_matching(*, viewer: Viewer, query: Query) -> list[tuple[int, float]]:
    """The best text matches this viewer may see (at most ``MAX_MATCHES``), with their text relevance.

    The engine gives the newest ``CANDIDATES`` listed documents having every word (typos corrected); they
    are scored for text relevance (``text.document_score``: the word itself above a word it begins, above
    a typo), and the best are checked against the whole rule (``search_eligible``) in one query, the next
    best only if that leaves too few."""
    backend = search_backend()
    reading = backend.corrections(query.words)
    adults = viewer.policy.may_see_mature_content and not viewer.is_restricted_mode
    candidates = backend.video_candidates(words=query.words, reading=reading, adults=adults, limit=CANDIDATES)
    scored = sorted(
        (
            (text.document_score(query.words, reading, document), video_id)
            for video_id, document in candidates
        ),
        reverse=True,
    )
    found: list[tuple[int, float]] = []
    for start in range(0, len(scored), ELIGIBILITY_CHUNK):
        chunk = scored[start : start + ELIGIBILITY_CHUNK]
        allowed = eligible_among(viewer=viewer, video_ids=[video_id for _, video_id in chunk])
        found.extend((video_id, score) for score, video_id in chunk if video_id in allowed)
        if len(found) >= MAX_MATCHES:
            break
    return found[:MAX_MATCHES]


def _features(video_ids: list[int]) -> dict[int, Features]:
    """Ranking features from this process's feed catalog when it is recent, else from the database (four
    queries, a fifth of a search's time at a million videos)."""
    catalog = catalog_recent(max_age_seconds=FEATURES_MAX_AGE_SECONDS)
    if catalog is None:
        return features_load(video_ids=video_ids)
    features = {video_id: item for video_id in video_ids if (item := catalog.features.get(video_id))}
    missing = [video_id for video_id in video_ids if video_id not in features]
    return features | (features_load(video_ids=missing) if missing else {})


def videos_ranked(*, viewer: Viewer, matches: list[tuple[int, float]]) -> list[int]:
    """Text relevance × the video's quality and freshness × the viewer's interest in its topics, hashtags
    and creator (``ranking.score``, the feeds' own score); followers are not an input."""
    if not matches:
        return []
    now_ts = time.time()
    features = _features([video_id for video_id, _ in matches])
    profile = profile_get(viewer_key=viewer.key)
    affinity = ranking.Affinity.of(Weights.from_json(profile.weights if profile else None))
    best = max(score for _, score in matches) or 1.0
    scored = [
        (
            (text_score / best) ** TEXT_POWER
            * ranking.score(
                item=features.get(video_id) or _neutral(video_id, now_ts), weights=affinity, now_ts=now_ts
            ),
            video_id,
        )
        for video_id, text_score in matches
    ]
    scored.sort(key=lambda pair: (-pair[0], -pair[1]))
    return [video_id for _, video_id in scored]


def videos_search(
    *, viewer: Viewer, query: Query, offset: int = 0, size: int = PAGE_SIZE
) -> ResultPage[Video]:
    """One page of the videos matching ``query`` that this viewer may see, best for them first. At the
    day's screen-time limit raises ``ScreenTimeLocked``, as the feeds do."""
    screen_time_guard(user=viewer.user)
    if not query.words:
        return ResultPage(items=[], next_offset=None)
    ids, next_offset = _page(
        videos_ranked(viewer=viewer, matches=videos_matching(viewer=viewer, query=query)), offset, size
    )
    videos = Video.objects.filter(pk__in=ids).select_related("owner").only(*RESULT_FIELDS).in_bulk()
    return ResultPage(items=[videos[pk] for pk in ids if pk in videos], next_offset=next_offset)


def creators_findable(*, viewer: Viewer) -> QuerySet[CreatorProfile]:
    """Profiles search may show this viewer: not blocked either way, not under review, and not restricted
    (private, or 13–15 years old) unless the viewer is an approved follower; oneself always."""
    followed = Exists(follows_approved(viewer=viewer).filter(creator=OuterRef("pk")))
    own = Q(user_id=viewer.user_id) if viewer.user_id is not None else Q(pk__in=[])
    profiles = CreatorProfile.objects.filter(is_under_review=False).filter(
        ~creator_is_restricted_q() | followed | own
    )
    if viewer.user_id is not None:
        profiles = profiles.exclude(user_id__in=blocking.users_blocked_either_way(user_id=viewer.user_id))
    return profiles


def creators_search(
    *, viewer: Viewer, query: Query, offset: int = 0, size: int = PAGE_SIZE
) -> ResultPage[CreatorHit]:
    """Creators by handle or name (typos forgiven) that ``creators_findable`` allows."""
    if not query.words:
        return ResultPage(items=[], next_offset=None)
    hits = search_backend().terms(kind=SearchTerm.Kind.CREATOR, words=query.words, limit=MAX_MATCHES)
    counts: dict[int, int] = {}
    for term, _ in hits:
        counts.setdefault(term.object_id, term.video_count)
    found = creators_findable(viewer=viewer).filter(pk__in=list(counts)).select_related("user").in_bulk()
    ordered = [found[pk] for pk in counts if pk in found]
    chosen, next_offset = _page(ordered, offset, size)
    return ResultPage(
        items=[CreatorHit(profile=profile, video_count=counts[profile.pk]) for profile in chosen],
        next_offset=next_offset,
    )


def hashtag_url(name: str) -> str:
    try:
        return reverse("feeds:tag", kwargs={"name": name})
    except NoReverseMatch:
        return f"/tag/{quote(name)}"


def hashtags_search(*, query: Query, offset: int = 0, size: int = PAGE_SIZE) -> ResultPage[HashtagHit]:
    """Hashtags with public videos, by name (typos forgiven), best match first, then the most used."""
    if not query.words:
        return ResultPage(items=[], next_offset=None)
    hits = search_backend().terms(kind=SearchTerm.Kind.HASHTAG, words=query.words, limit=MAX_MATCHES)
    chosen, next_offset = _page(hits, offset, size)
    return ResultPage(
        items=[
            HashtagHit(name=term.label, video_count=term.video_count, url=hashtag_url(term.label))
            for term, _ in chosen
        ],
        next_offset=next_offset,
    )


def suggestions(*, viewer: Viewer, query: Query, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Completions of what is being typed: hashtags, creators (``creators_findable``) and topics that begin
    with it, the most used first (a creator's handle and name are one suggestion)."""
    if not query.words:
        return []
    terms = search_backend().suggest(prefix=query.folded, limit=limit * 2)
    creator_ids = [term.object_id for term in terms if term.kind == SearchTerm.Kind.CREATOR]
    handles = (
        dict(creators_findable(viewer=viewer).filter(pk__in=creator_ids).values_list("pk", "handle"))
        if creator_ids
        else {}
    )
    seen: set[tuple[str, int]] = set()
    found: list[Suggestion] = []
    for term in terms:
        if (term.kind, term.object_id) in seen:
            continue
        seen.add((term.kind, term.object_id))
        if term.kind == SearchTerm.Kind.HASHTAG:
            found.append(Suggestion(kind=term.kind, label=f"#{term.label}", url=hashtag_url(term.label)))
        elif term.kind == SearchTerm.Kind.CREATOR and term.object_id in handles:
            handle = handles[term.object_id]
            found.append(
                Suggestion(
                    kind=term.kind,
                    label=f"{term.label} @{handle}",
                    url=reverse("creators:profile", args=[handle]),
                )
            )
        elif term.kind == SearchTerm.Kind.TOPIC:
            found.append(
                Suggestion(kind=term.kind, label=term.label, url=f"{reverse('search')}?q={quote(term.label)}")
            )
    return found[:limit]


def _notices_active() -> list[tuple[SearchNotice, tuple[frozenset[str], ...]]]:
    """The active notices with each term's words, from the cache: staff change them rarely, and reading
    the table was one database round trip of every search (at least a millisecond on a busy server)."""
    notices: list[tuple[SearchNotice, tuple[frozenset[str], ...]]] | None = cache.get(NOTICES_CACHE_KEY)
    if notices is None:
        notices = [
            (notice, tuple(frozenset(found) for line in notice.terms.splitlines() if (found := words(line))))
            for notice in SearchNotice.objects.filter(is_active=True).order_by("pk")
        ]
        cache.set(NOTICES_CACHE_KEY, notices, NOTICES_CACHE_SECONDS)
    return notices


def notices_changed(**kwargs: object) -> None:
    """Drop the cached notices (connected to a notice's save and delete), now and after the commit."""
    cache_forget(NOTICES_CACHE_KEY)


def notices_for(*, query: Query) -> list[SearchNotice]:
    """The active notices one of whose terms has all its words in the query."""
    asked = set(query.words)
    return [notice for notice, terms in _notices_active() if any(term <= asked for term in terms)]
