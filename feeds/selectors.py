"""Reads of the feeds app: the For You, topic, local and following feeds, ranked and filtered per viewer."""

from __future__ import annotations

import functools
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects, signals
from django.db.models.base import ModelState
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.translation import gettext as _

from creators.models import Video, VideoTopic
from creators.selectors import creator_is_restricted, profile_videos, video_is_adults_only, videos_visible
from feeds import ranking, sponsored
from feeds.models import CoWatch, InterestProfile, Signal, Source, VideoStats
from feeds.pools import feed_pools
from feeds.ranking import Catalog, Scored, Weights
from platform import age, blocking
from platform.screen_time import ScreenTimeStatus, screen_time_status
from platform.statements import (
    STAND_IN_ID,
    Statement,
    StatementCache,
    compile_statement,
    ids_param,
    ids_subquery,
)
from platform.viewer import Viewer

CURSOR_SALT = "feeds.cursor"
SPONSORED_INDEX = 4
MAX_CURSOR_IDS = 400
# A topic or region page ranks a few more videos than it shows: the last check (``_page_videos``) may drop
# some (a block, restricted mode, a change since the catalog was built), and these take their places. When
# it drops more (a blocked creator's videos ranked high), the next best candidates are checked too, a few
# rounds at most. For You ranks no spares: its drops are rare, and the rounds alone cover them without
# making every page's query and refill larger (the core loop's cost, issue 27).
PAGE_SPARE = 4
TOP_UP_ROUNDS = 2
# A new viewer's For You comes in shorter pages while it knows little of them: each page is ranked after the
# signals of the one before reached the short-term interest, so the second page already reflects the first
# (benchmark_recommendation's match_share_11_50).
FIRST_PAGES_SIZE, FIRST_PAGES_UNTIL = 10, 50


@dataclass
class FeedItem:
    video: Video
    position: int
    source: str
    reasons: list[str]
    sponsor: sponsored.SponsoredSlot | None = None
    candidate: str = ""  # which candidate source found it (interest, trending, explore, ...); for evaluation
    topic: str = ""  # the topic feed's slug (source "topic"): the player sends it back with its signals

    @property
    def feed_topic(self) -> str | None:
        return self.topic or None

    @property
    def is_sponsored(self) -> bool:
        return self.sponsor is not None

    @property
    def is_repeat(self) -> bool:
        """Shown again on purpose: For You had nothing new left for this viewer."""
        return self.candidate == "again"


@dataclass
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None
    catalog: Catalog | None = None  # the features the page was ranked from (its topics and hashtags)


def feed_screen_time(*, viewer: Viewer) -> ScreenTimeStatus | None:
    """Today's screen time of a signed-in viewer who has a daily limit, or None (no limit, no query).

    The feeds ask this before ranking: once it says locked they serve no more videos today."""
    if viewer.user is None:
        return None
    status = screen_time_status(user=viewer.user)
    return status if status.limit_minutes is not None else None


def regions_with_videos(*, limit: int) -> list[str]:
    """The regions with the most videos in the feeds, for a viewer who has not said where they are."""
    return feed_pools().regions(limit=limit)


def view_counts(video_ids: Sequence[int]) -> dict[int, int]:
    """Views (rolled-up impressions) per video, for the creators' pages."""
    return dict(VideoStats.objects.filter(video_id__in=video_ids).values_list("video_id", "impressions"))


def profile_get(*, viewer_key: str) -> InterestProfile | None:
    return InterestProfile.objects.filter(viewer_key=viewer_key).first()


def _cursor_load(cursor: str | None) -> list[int]:
    if not cursor:
        return []
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        return []
    return [int(value) for value in data if isinstance(value, int)][:MAX_CURSOR_IDS]


def _cursor_dump(served: list[int]) -> str:
    return signing.dumps(served[-MAX_CURSOR_IDS:], salt=CURSOR_SALT, compress=True)


# The player's action buttons: denormalised on the video, so the counts cost the page no query.
COUNT_FIELDS = ("comment_count", "like_count", "share_count")
PAGE_FIELDS = (
    "id", "public_id", "state", "moderation_state", "caption", "visibility", "content_level", "duration", "width", "height",
    "is_age_restricted", "is_unverified",
    "published_at", "poster", "rendition", "rendition_version", "rendition_duration", "stream", "has_audio",
    "caption_languages",
    "owner__id", "owner__handle", "owner__display_name", "owner__bio", "owner__links",
    "owner__follower_count", "owner__avatar_large", "owner__user_id",
    "owner__user__is_private", "owner__user__date_of_birth",
    "is_unverified", "is_age_restricted", "owner__is_under_review",
    *COUNT_FIELDS,
)  # fmt: skip


def _page_query(*, ids: Any, user_id: int | None) -> QuerySet[Video]:
    """The page's videos (``ids``: a list, or a subquery yielding them) with their creators' accounts,
    leaving out the creators ``user_id`` blocked, was blocked by or muted (a subquery in this same query:
    the page's query count is fixed)."""
    # Only the primary key in SQL: with the state filters there too, planners pick the
    # (state, published_at) index and scan every published video (benchmark_feed).
    videos = Video.objects.filter(pk__in=ids).select_related("owner__user").only(*PAGE_FIELDS)
    if user_id is not None:
        videos = videos.exclude(owner__user_id__in=blocking.users_hidden_from(user_id=user_id))
    return videos


def _loaded(model: type[Model], attnames: list[str], values: Sequence[Any]) -> Any:
    """A ``model`` instance as loaded from the database with these fields (``Model.from_db``), without
    ``Model.__init__``: that walks every one of the model's concrete fields, deferred or not (51 on a
    video, 29 on an account), and building a page's 60 objects so cost a sixth of the page. Equal to
    ``from_db``'s for the models ``_fast_models`` allows (``tests/feeds/test_page_videos.py``): no
    ``pre_init`` or ``post_init`` receivers and no ``__init__`` of their own, so ``__init__`` would only
    have set each given field's attribute, and a field's descriptor stores a value as it is given."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    instance._state = state
    return instance


def _fast_models(*models: type[Model]) -> bool:
    return all(
        model.__init__ is Model.__init__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
        for model in models
    )


def _populate(populator: Any, row: Sequence[Any], owner: Model) -> None:
    """Django's ``RelatedPopulator.populate`` (a select_related object from its columns of ``row``), with
    ``_loaded`` instead of ``from_db``."""
    if populator.reorder_for_init:
        values = populator.reorder_for_init(row)
    else:
        values = row[populator.cols_start : populator.cols_end]
    related = None
    if values[populator.pk_idx] is not None:
        related = _loaded(populator.model_cls, populator.init_list, values)
        for nested in populator.related_populators:
            _populate(nested, row, related)
    populator.local_setter(owner, related)
    if related is not None:
        populator.remote_setter(related, owner)


def _populators_models(populators: Sequence[Any]) -> list[type[Model]]:
    return [
        model
        for populator in populators
        for model in (populator.model_cls, *_populators_models(populator.related_populators))
    ]


@dataclass(frozen=True)
class _PageStatement:
    """``_page_query`` compiled once, and how its rows become ``Video`` objects with their owner and
    account (what Django's model iterable does with a query's rows)."""

    statement: Statement
    init_list: list[str]
    fields: slice
    populators: list[Any]
    fast: bool  # build them with ``_loaded`` (the models allow it)

    def videos(self, values: dict[str, Any]) -> list[Video]:
        videos = []
        for row in self.statement.run(values):
            if self.fast:
                video = _loaded(Video, self.init_list, row[self.fields])
                for populator in self.populators:
                    _populate(populator, row, video)
            else:
                video = Video.from_db(DEFAULT_DB_ALIAS, self.init_list, row[self.fields])
                for populator in self.populators:
                    populator.populate(row, video)
            videos.append(video)
        return videos


_page_statements: dict[tuple[str, bool], _PageStatement | None] = {}


def _page_statement(*, signed_in: bool) -> _PageStatement | None:
    """The page's query for a signed-in viewer or not, its SQL compiled once per database (building it
    with the ORM took longer than the database's answer: benchmark_feed), the ids one parameter."""
    key = (connection.vendor, signed_in)
    if key not in _page_statements:
        stand_ins: dict[str, Any] = {"video_ids": ids_param([STAND_IN_ID - 1])}
        if signed_in:
            stand_ins["user_id"] = STAND_IN_ID
        queryset = _page_query(
            ids=ids_subquery(stand_ins["video_ids"]), user_id=STAND_IN_ID if signed_in else None
        )
        statement = compile_statement(queryset, stand_ins)
        page = None
        if statement is not None:
            compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
            compiler.as_sql()  # fills the compiler's select and klass_info, as compile_statement's
            select, klass_info = compiler.select, compiler.klass_info
            assert klass_info is not None
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            populators = get_related_populators(klass_info, select, DEFAULT_DB_ALIAS)  # type: ignore[call-arg]  # stubs of Django 6
            page = _PageStatement(
                statement=statement,
                init_list=[column[0].target.attname for column in select[first:last]],
                fields=slice(first, last),
                populators=populators,
                fast=_fast_models(Video, *_populators_models(populators)),
            )
        _page_statements[key] = page
    return _page_statements[key]


def _page_videos(ids: list[int], *, viewer: Viewer) -> dict[int, Video]:
    """The page's videos in one query, re-checked now against everything that can change in a moment:
    moderation and its labels, the video's visibility and age rating, the creator going private, a block
    or mute. The catalog may be a minute old; these changes reach the very next page.

    Their topics and hashtags come from the catalog, not from two more queries."""
    if not ids:
        return {}
    page = _page_statement(signed_in=viewer.user_id is not None)
    if page is not None:
        videos: Iterable[Video] = page.videos({"video_ids": ids_param(ids), "user_id": viewer.user_id})
    else:
        videos = _page_query(ids=ids, user_id=viewer.user_id)
    allow_mature = viewer.policy.may_see_mature_content
    restricted = viewer.is_restricted_mode
    return {
        video.pk: video
        for video in videos
        if video.state == Video.State.PUBLISHED
        and video.moderation_state == Video.Moderation.VISIBLE
        and video.visibility == Video.Visibility.PUBLIC
        and (allow_mature or not video_is_adults_only(video))
        and not creator_is_restricted(video.owner.user)
        and not (restricted and age.restricted_mode_hides(video))
        # Moderation labels: unverified claims and a bio under review keep videos out of the feeds.
        and not video.is_unverified
        and not video.owner.is_under_review
    }


def _assemble(
    *,
    page: list[Scored],
    catalog: Catalog,
    weights: Weights,
    rates: ranking.Affinity,
    viewer_region: str,
    source: str,
    served: list[int],
    viewer: Viewer,
    feed: str,
    size: int,
    ranked: Sequence[Scored],
    runs_dry: bool,
    hidden: set[int],
    hidden_creators: frozenset[int] | None,
) -> FeedPage:
    """Check and render the first ``size`` videos of ``page`` that pass ``_page_videos`` (the rest wait
    for the next page; if too few pass, the best of ``ranked`` not yet on it), with a sponsored slot where
    the viewer may see one. ``ranked`` is every candidate, best first; a feed that ``runs_dry`` (not For
    You) has a next page only while some of them are left."""
    slot = None
    if viewer.policy.may_see_promotions and viewer.is_authenticated:
        # "Not for me" on a sponsored video hides it, and so its promotion, from this viewer.
        slot = sponsored.provider().slot_for(
            viewer=viewer,
            feed=feed,
            exclude_video_ids=set(served) | hidden,
            topic_interest=weights.topics,
            hidden_creators=hidden_creators,
        )
    if slot is not None:
        # A video is on a page once: one the ranking put here too moves into the labelled slot (a small
        # catalogue, or a promotion of a video its viewers like anyway, would otherwise never get it).
        page = [scored for scored in page if scored.video_id != slot.video_id]
    ids = [scored.video_id for scored in page]
    if slot is not None:
        ids.append(slot.video_id)
    videos = _page_videos(ids, viewer=viewer)
    feed_pools().names_fill(catalog, ids)
    items: list[FeedItem] = []
    dropped: list[int] = []
    checked = set(ids)
    # A page's twenty items give a handful of different reasons: each put into the viewer's words once.
    translated = functools.cache(_)
    for round_ in range(TOP_UP_ROUNDS + 1):
        if round_:
            # Rare: the last check dropped more than the spares. One more query for the next best.
            page = [scored for scored in ranked if scored.video_id not in checked][
                : size - len(items) + PAGE_SPARE
            ]
            if not page:
                break
            more_ids = [scored.video_id for scored in page]
            checked.update(more_ids)
            videos.update(_page_videos(more_ids, viewer=viewer))
            feed_pools().names_fill(catalog, more_ids)
        for scored in page:
            if len(items) == size:
                break
            video = videos.get(scored.video_id)
            if video is None:
                dropped.append(scored.video_id)
                continue
            reasons = [
                translated(text) % values if values else translated(text)
                for text, values in ranking.reasons(
                    scored=scored, catalog=catalog, weights=rates, viewer_region=viewer_region
                )
            ]
            items.append(
                FeedItem(video=video, position=0, source=source, reasons=reasons, candidate=scored.source)
            )
        if len(items) == size:
            break
    if slot is not None and slot.video_id in videos:
        sponsored_item = FeedItem(
            video=videos[slot.video_id],
            position=0,
            source=Source.SPONSORED,
            reasons=[_("Paid for by %(sponsor)s. %(why)s") % {"sponsor": slot.sponsor_name, "why": slot.why}],
            sponsor=slot,
        )
        # Fifth on the page (positions 4–6 are the sponsored slot's place; never first).
        items.insert(min(SPONSORED_INDEX, len(items)), sponsored_item)
    offset = len(served)
    for index, item in enumerate(items):
        item.position = offset + index
    # What the last check dropped (restricted mode, a change since the catalog was built) counts as
    # served too: the next page moves past it, even when it emptied this page.
    new_served = served + [item.video.pk for item in items] + dropped
    if slot is not None and slot.video_id not in videos:
        new_served.append(slot.video_id)
    taken = set(new_served)
    more = not runs_dry or any(scored.video_id not in taken for scored in ranked)
    return FeedPage(
        items=items,
        next_cursor=_cursor_dump(new_served) if more and new_served != served else None,
        catalog=catalog,
    )


def _page_size(*, explores: bool, known: int) -> int:
    """How many videos a page holds: For You's first ``FIRST_PAGES_UNTIL`` videos come in short pages."""
    if explores and known < FIRST_PAGES_UNTIL:
        return min(FIRST_PAGES_SIZE, settings.FEED_PAGE_SIZE)
    return settings.FEED_PAGE_SIZE


HISTORY_FIELDS = (
    "weights",
    "seen",
    "hidden",
    "favourites",
    "not_for_me",
    "followed_hashtags",
    "hidden_creators",
)
STAND_IN_KEY = "\x00stand-in viewer key"  # no viewer's key: those are "u:<id>" or "a:<hex>"
_page_reads = StatementCache(size=8)


def _history(viewer_key: str) -> ranking.History:
    """The viewer's interest weights and the videos they saw, hid and enjoyed (oldest first): the fields
    of their profile that ranking reads, in a statement compiled once (``platform.statements``)."""
    statement = _page_reads.statement(
        "history",
        {"viewer_key": STAND_IN_KEY},
        lambda: InterestProfile.objects.filter(viewer_key=STAND_IN_KEY).values_list(*HISTORY_FIELDS),
    )
    if statement is None:
        rows = [
            list(row)
            for row in InterestProfile.objects.filter(viewer_key=viewer_key).values_list(*HISTORY_FIELDS)
        ]
    else:
        rows = statement.run({"viewer_key": viewer_key})
    if not rows:
        return ranking.History(weights=Weights(), seen=[], hidden=[], favourites=[])
    weights, seen, hidden, favourites, not_for_me, followed_hashtags, hidden_creators = rows[0]
    return ranking.History(
        weights=Weights.from_json(weights),
        seen=list(seen),
        hidden=list(hidden),
        favourites=list(favourites[-10:]),
        not_for_me={int(key): float(value) for key, value in (not_for_me or {}).items()},
        followed_hashtags=tuple(int(tag_id) for tag_id in (followed_hashtags or [])),
        hidden_creators=frozenset(int(creator_id) for creator_id in (hidden_creators or [])),
        stored=True,
    )


# For You draws on the hashtags a viewer follows as on those it learnt they like: the newest follows first.
FOLLOWED_TAGS, PER_FOLLOWED_TAG = 10, 40


def _followed_pool(catalog: Catalog, followed: Sequence[int]) -> list[int]:
    """The best videos of the hashtags the viewer follows (a candidate source of For You). A page view
    of the shared pools holds only what its ``Wants`` named: the followed hashtags' pools join it."""
    wanted = dict.fromkeys(list(followed)[-FOLLOWED_TAGS:][::-1], PER_FOLLOWED_TAG)
    pools = catalog
    if catalog.is_page_view:
        pools = feed_pools().view(ranking.Wants(hashtags=wanted))
        catalog.absorb(pools)
    return [video_id for tag_id in wanted for video_id in pools.by_hashtag.get(tag_id, [])[:PER_FOLLOWED_TAG]]


def _cowatch(favourites: list[int]) -> list[tuple[int, float]]:
    """Videos most often finished by viewers who finished the given ones, with how often (a statement
    compiled once, the favourites one parameter)."""
    if not favourites:
        return []

    def query(ids: Any) -> QuerySet[CoWatch, tuple[int, float]]:
        return (
            CoWatch.objects.filter(video_id__in=ids)
            .order_by("-weight")
            .values_list("other_id", "weight")[:100]
        )

    stand_in = ids_param([STAND_IN_ID - 1])
    statement = _page_reads.statement(
        "cowatch", {"video_ids": stand_in}, lambda: query(ids_subquery(stand_in))
    )
    if statement is None:
        return list(query(favourites))
    return [(other_id, weight) for other_id, weight in statement.run({"video_ids": ids_param(favourites)})]


Sources = Callable[[ranking.Affinity, list[int], str], tuple[Catalog, dict[str, list[int]], dict[int, float]]]


def _ranked_page(
    *,
    viewer: Viewer,
    sources: Sources,
    explores: bool,
    source: str,
    feed: str,
    viewer_region: str,
    cursor: str | None,
    size: int | None,
    feed_topic: int | None = None,
    shows_seen: bool = False,
) -> FeedPage:
    """One page of any ranked feed: fetch the viewer's history, let the model pick, assemble.

    ``sources`` turns the viewer's weights, favourites and the page's seed into the candidates' features
    (from the candidate store), candidate pools and boosts;
    ``explores`` adds the exploration share and never runs dry (For You): when the pools hold too
    little that is new, the rest of the catalogue follows, then the best matches seen longest ago.
    Without it (a topic, a region) a page fills up from its one pool while that holds anything new.
    Creators and topics the viewer said "not for me" to are left out from the next page on.
    ``shows_seen`` (a hashtag's page lists all its videos) keeps what the viewer saw before among the
    candidates; hidden ones and this listing's earlier pages stay out."""
    history = _history(viewer.key)
    weights, hidden = history.weights, set(history.hidden)
    served = _cursor_load(cursor)
    size = size or _page_size(explores=explores, known=len(history.seen) + len(served))
    now_ts = time.time()
    creators, topics = ranking.not_for_me(history=history, now_ts=now_ts, feed_topic=feed_topic)
    # Blocked either way or muted: left out before ranking, so they never take a place the last check
    # (``_page_videos``, which still filters them) would have to refill.
    creators |= history.hidden_creators
    filters = ranking.Filters(
        excluded=frozenset((set() if shows_seen else set(history.seen)) | hidden | set(served)),
        # Restricted mode hides mature videos before ranking (not only after), so its pages stay full.
        allow_mature=viewer.policy.may_see_mature_content and not viewer.is_restricted_mode,
        creators=creators,
        topics=topics,
    )
    rates = ranking.Affinity.of(weights)  # read once per page
    # Random but repeatable for one viewer, page and day (reproducible feeds and tests). For You also
    # guesses at each barely-watched video's watch-through with it (``ranking.guess``).
    seed = f"{viewer.key}:{len(served)}:{timezone.localdate().isoformat()}"
    page_seed = zlib.crc32(seed.encode()) if explores else None
    catalog, pools, boosts = sources(rates, history.favourites, seed)
    if explores and history.followed_hashtags:
        # First: a candidate is credited to the first source that has it ("From a hashtag you follow").
        pools = {"followed": _followed_pool(catalog, history.followed_hashtags), **pools}
    ranked: Sequence[Scored] = ranking.rank(
        catalog=catalog,
        sources=pools,
        weights=rates,
        filters=filters,
        now_ts=now_ts,
        boosts=boosts,
        seed=page_seed,
    )
    explore: Sequence[Scored] = []
    if explores:
        explore_ids = ranking.explore_sample(catalog=catalog, filters=filters, seed=seed)
        explore = ranking.rank(
            catalog=catalog,
            sources={"explore": explore_ids},
            weights=rates,
            filters=filters,
            now_ts=now_ts,
            seed=page_seed,
        )
        if len(ranked) + len(explore) < size:
            ranked = [
                *ranked,
                *_refill(
                    catalog=catalog,
                    history=history,
                    served=served,
                    taken={scored.video_id for scored in (*ranked, *explore)},
                    filters=filters,
                    size=size,
                    now_ts=now_ts,
                ),
            ]
    page = ranking.diversify(
        ranked=ranked,
        explore=explore,
        catalog=catalog,
        size=size if explores else size + PAGE_SPARE,
        feed_topic=feed_topic,
        fills=not explores,
    )
    return _assemble(
        page=page,
        catalog=catalog,
        weights=weights,
        rates=rates,
        viewer_region=viewer_region,
        source=source,
        served=served,
        viewer=viewer,
        feed=feed,
        size=size,
        ranked=ranked,
        runs_dry=not explores,
        hidden=hidden,
        # The profile's copy of the accounts the viewer never sees spares the slot a query of its own.
        hidden_creators=history.hidden_creators if history.stored else None,
    )


def _refill(
    *,
    catalog: Catalog,
    history: ranking.History,
    served: list[int],
    taken: set[int],
    filters: ranking.Filters,
    size: int,
    now_ts: float,
) -> list[ranking.Scored]:
    """What For You shows once its pools are spent: unseen videos from anywhere, best first, then
    the best matches weighted by how long ago they were seen. Only hidden ones never come back (nor,
    while that lasts, the creators and topics the viewer said "not for me" to).

    "Anywhere" is every video in this process's catalog; with shared pools, the trending pool at full
    size and the videos seen last (their features join the page's ``catalog``)."""
    recent = history.seen + served
    wider = feed_pools().view(
        ranking.Wants(trending=settings.FEED_POOL_SIZE, ids=tuple(recent[-MAX_CURSOR_IDS:]))
    )
    if catalog.is_page_view:
        catalog.absorb(wider)
    filters = ranking.Filters(
        excluded=frozenset(set(history.hidden) | taken),
        allow_mature=filters.allow_mature,
        creators=filters.creators,
        topics=filters.topics,
    )
    unseen, again = ranking.rewatch_order(catalog=catalog, recent=recent, filters=filters)
    more = ranking.rank(
        catalog=catalog, sources={"more": unseen}, weights=history.weights, filters=filters, now_ts=now_ts
    )
    return more + ranking.rank(
        catalog=catalog,
        sources={"again": again},
        weights=history.weights,
        filters=filters,
        now_ts=now_ts,
        boosts=ranking.staleness_boosts(again),
    )


def feed_for_you(*, viewer: Viewer, cursor: str | None = None, size: int | None = None) -> FeedPage:
    def sources(
        weights: ranking.Affinity, favourites: list[int], seed: str
    ) -> tuple[Catalog, dict[str, list[int]], dict[int, float]]:
        cowatch = _cowatch(favourites)
        catalog = feed_pools().view(ranking.for_you_wants(weights=weights, cowatch=cowatch, seed=seed))
        pools, boosts = ranking.for_you_sources(catalog=catalog, weights=weights, cowatch=cowatch)
        return catalog, pools, boosts

    return _ranked_page(
        viewer=viewer,
        sources=sources,
        explores=True,
        source=Source.FOR_YOU,
        feed="for_you",
        viewer_region=viewer.region,
        cursor=cursor,
        size=size,
    )


def _single_pool(name: str, catalog: Catalog, members: list[int]) -> Sources:
    return lambda weights, favourites, seed: (catalog, {name: members}, {})


def feed_topic(
    *, viewer: Viewer, slug: str, cursor: str | None = None, size: int | None = None
) -> FeedPage | None:
    """A topic's feed, ranked by the same scorer. STEM and News list only reviewer-approved videos
    (the catalog holds approved topics only); News also only verified publishers."""
    store = feed_pools()
    topic_id = store.topic_ids().get(slug)
    if topic_id is None:
        return None
    catalog = store.view(ranking.Wants(topics={topic_id: settings.FEED_POOL_SIZE}))
    members = catalog.by_topic.get(topic_id, [])
    if slug == "news":
        members = [video_id for video_id in members if catalog.features[video_id].is_news_verified]
    page = _ranked_page(
        viewer=viewer,
        sources=_single_pool("topic", catalog, members),
        explores=False,
        source=Source.TOPIC,
        feed=f"topic:{slug}",
        feed_topic=topic_id,
        viewer_region=viewer.region,
        cursor=cursor,
        size=size,
    )
    for item in page.items:
        if item.source == Source.TOPIC:
            item.topic = slug
    return page


def feed_local(
    *, viewer: Viewer, region: str, cursor: str | None = None, size: int | None = None
) -> FeedPage:
    """Videos from the viewer's region, ranked by the same scorer."""
    catalog = feed_pools().view(ranking.Wants(region=region, region_count=settings.FEED_POOL_SIZE))
    return _ranked_page(
        viewer=viewer,
        sources=_single_pool("local", catalog, catalog.by_region.get(region, []) if region else []),
        explores=False,
        source=Source.LOCAL,
        feed="local",
        viewer_region=region,
        cursor=cursor,
        size=size,
    )


def following_items(videos: Iterable[Video]) -> list[FeedItem]:
    return [
        FeedItem(
            video=video,
            position=index,
            source=Source.FOLLOWING,
            reasons=[_("From @%(handle)s, whom you follow") % {"handle": video.owner.handle}],
        )
        for index, video in enumerate(videos)
    ]


def watch_items(*, video: Video, viewer: Viewer, from_profile: bool, more: int = 10) -> list[FeedItem]:
    """A video opened by its own link: that video first; from its creator's profile, then the
    creator's next videos in the profile's order (the player goes on to For You after them)."""
    first = FeedItem(
        video=video,
        position=0,
        source=Source.PROFILE if from_profile else Source.LINK,
        reasons=[
            _("You opened it from @%(handle)s's profile") % {"handle": video.owner.handle}
            if from_profile
            else _("You opened a link to it")
        ],
    )
    videos = [video]
    if from_profile:
        others = list(profile_videos(profile=video.owner, viewer=viewer)[: more + 50])
        after = [other for other in others if other.pk != video.pk]
        start = next((index for index, other in enumerate(others) if other.pk == video.pk), 0)
        videos += (after[start:] + after[:start])[:more]
    prefetch_related_objects(
        videos, "hashtags", Prefetch("video_topics", queryset=VideoTopic.objects.select_related("topic"))
    )
    rest = [
        FeedItem(
            video=other,
            position=index,
            source=Source.PROFILE,
            reasons=[_("More from @%(handle)s") % {"handle": other.owner.handle}],
        )
        for index, other in enumerate(videos[1:], start=1)
    ]
    return [first, *rest]


def following_queryset(*, viewer: Viewer) -> QuerySet[Video]:
    """Newest first from creators the viewer follows (approved), limited videos included, never removed ones."""
    if viewer.user_id is None:
        return Video.objects.none()
    return (
        videos_visible(viewer=viewer)
        .filter(owner__followers__follower_id=viewer.user_id, owner__followers__status="approved")
        .exclude(moderation_state=Video.Moderation.REVIEW)  # a watched word matched: not out until reviewed
        .exclude(owner__user_id__in=blocking.users_hidden_from(user_id=viewer.user_id))  # muted ones
        .select_related("owner__user")  # the owner's age decides whether the video may be shared
        .prefetch_related(
            "hashtags", Prefetch("video_topics", queryset=VideoTopic.objects.select_related("topic"))
        )
        .order_by("-published_at", "-id")
    )


# A viewer "watches organically" once they watched this far into any video they came to themselves.
ORGANIC_WATCH_SECONDS = 2.0


def viewer_has_watched_organically(*, viewer_key: str) -> bool:
    """Whether the signal log holds watching of this viewer's own: a progress or completion event, from
    anywhere but a sponsored slot, at least ``ORGANIC_WATCH_SECONDS`` into the video (within the log's
    retention). An account made only to be shown promotions has none. One query, on the index that
    begins with the viewer's key."""
    return (
        Signal.objects.filter(
            viewer_key=viewer_key,
            kind__in=(Signal.Kind.PROGRESS, Signal.Kind.COMPLETE),
            watched_seconds__gte=ORGANIC_WATCH_SECONDS,
        )
        .exclude(source=Source.SPONSORED)
        .exists()
    )
