"""Page rules and reasons: how a ranked list becomes a varied page, and why each video is on it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

from feeds.ranking.features import NO_ID, Catalog
from feeds.ranking.learning import Weights
from feeds.ranking.scoring import Affinity, Scored, affinity

MAX_PER_CREATOR = 2
MAX_TOPIC_RUN = 2  # never three in a row from one topic
EXPLORE_SHARE = 0.1
# A part of the interest is named as the reason once it is this strong: for a topic (half weight), an
# average outcome of 0.3 per view, e.g. two views in three watched to the end and one left at once.
REASON_MIN = 0.15


def diversify(
    *,
    ranked: Sequence[Scored],
    explore: Sequence[Scored],
    catalog: Catalog,
    size: int,
    explore_share: float = EXPLORE_SHARE,
    feed_topic: int | None = None,
    fills: bool = False,
) -> list[Scored]:
    """Pick a page: at most 2 per creator, never 3 in a row from one topic, and >= explore_share exploration.

    In a topic's own feed every video has that topic, so the run rule looks at their other topics.
    A page that ``fills`` (a topic or region, where a few creators may make most of the videos) keeps to
    those rules while it can, then takes the best of the rest, not twice in a row from one creator if it
    can help it, rather than end short."""
    explore_slots = math.ceil(size * explore_share) if explore else 0
    explore_positions = {int((index + 1) * size / (explore_slots + 1)) for index in range(explore_slots)}
    page: list[Scored] = []
    per_creator: Counter[int] = Counter()
    used: set[int] = set()
    main, extra = _Pool(ranked), _Pool(explore)
    # Each candidate's creator and the topic it counts as for the run rule (its first; in a topic's own
    # feed, its first other one), read from the scorer's columns once: a page view of the shared pools
    # would otherwise decode the ``Features`` of every candidate the rules look at.
    table, known = catalog.columns(), dict[int, tuple[int, int | None]]()

    def about(video_id: int) -> tuple[int, int | None]:
        facts = known.get(video_id)
        if facts is None:
            row = table.rows[video_id]
            topics = table.topic_ids[row].tolist()
            facts = known[video_id] = (
                int(table.creator_ids[row]),
                next((topic for topic in topics if topic != NO_ID and topic != feed_topic), None),
            )
        return facts

    def fits(candidate: Scored) -> bool:
        creator, topic = about(candidate.video_id)
        if candidate.video_id in used or per_creator[creator] >= MAX_PER_CREATOR:
            return False
        return (
            topic is None
            or len(page) < MAX_TOPIC_RUN
            or not all(about(chosen.video_id)[1] == topic for chosen in page[-MAX_TOPIC_RUN:])
        )

    def add(pool: _Pool, index: int, candidate: Scored) -> None:
        page.append(candidate)
        used.add(candidate.video_id)
        per_creator[about(candidate.video_id)[0]] += 1
        pool.take(index)

    def take(pool: _Pool) -> bool:
        for index, candidate in pool:
            if fits(candidate):
                add(pool, index, candidate)
                return True
        return False

    def take_any() -> bool:
        for pool in (main, extra):
            rest = [(index, candidate) for index, candidate in pool if candidate.video_id not in used]
            if rest:
                break
        else:
            return False
        last = about(page[-1].video_id)[0] if page else None
        index, candidate = next(
            ((index, candidate) for index, candidate in rest if about(candidate.video_id)[0] != last),
            rest[0],
        )
        add(pool, index, candidate)
        return True

    while len(page) < size and (main or extra):
        position = len(page)
        wants_explore = position in explore_positions
        took = (take(extra) if wants_explore else take(main)) or (
            take(main) if wants_explore else take(extra)
        )
        if not (took or (fills and take_any())):
            break
    return page


class _Pool:
    """Candidates best first, without those the page took: read in order, as far as the page needs
    (``Ranked`` makes only what is read)."""

    def __init__(self, ranked: Sequence[Scored]) -> None:
        self.ranked, self.taken, self.first = ranked, set[int](), 0

    def __bool__(self) -> bool:
        return len(self.taken) < len(self.ranked)

    def __iter__(self) -> Iterator[tuple[int, Scored]]:
        taken = self.taken
        for index in range(self.first, len(self.ranked)):
            if index not in taken:
                yield index, self.ranked[index]

    def take(self, index: int) -> None:
        self.taken.add(index)
        while self.first in self.taken:
            self.first += 1


def gettext_noop(text: str) -> str:
    """Marks a reason for ``make messages`` (xgettext knows the name); the caller translates it."""
    return text


# A reason in English with its placeholders' values: put into the viewer's words by the selector.
Reason = tuple[str, dict[str, str]]


def reasons(
    *, scored: Scored, catalog: Catalog, weights: Weights | Affinity, viewer_region: str
) -> list[Reason]:
    """ "Why am I seeing this": the candidate source and the strongest part of the viewer's interest."""
    item = catalog.features[scored.video_id]
    said: list[Reason] = []
    value, strongest, best_topic = affinity(item=item, weights=weights)

    def topic_name(topic_id: int) -> str:
        return catalog.topic_names.get(topic_id, "")

    if scored.source == "explore":
        said.append((gettext_noop("A new creator or video we are trying out with a few viewers"), {}))
    if scored.source == "again":
        said.append(
            (
                gettext_noop(
                    "You've seen everything new we picked for you, so here is one of your best matches again"
                ),
                {},
            )
        )
    if scored.source == "more":
        said.append(
            (
                gettext_noop("You've seen everything we picked for you, so here is more from across Joyreel"),
                {},
            )
        )
    if scored.source == "followed":
        said.append((gettext_noop("From a hashtag you follow"), {}))
    if scored.source == "cowatch":
        said.append((gettext_noop("People who finished videos you enjoyed also finished this one"), {}))
    if value > REASON_MIN:
        if strongest == "topic" and best_topic:
            said.append(
                (gettext_noop("You watched %(topic)s videos to the end"), {"topic": topic_name(best_topic)})
            )
        elif strongest == "creator":
            said.append((gettext_noop("You enjoy this creator's videos"), {}))
        elif strongest == "hashtag":
            said.append((gettext_noop("It shares hashtags with videos you liked"), {}))
    if scored.source == "trending":
        said.append((gettext_noop("Popular right now: many viewers watch it to the end"), {}))
    if viewer_region and item.region == viewer_region:
        said.append(
            (
                gettext_noop("Popular in your region")
                if scored.source != "local"
                else gettext_noop("From your region"),
                {},
            )
        )
    if scored.source == "topic" and item.topic_ids:
        said.append((gettext_noop("In the %(topic)s feed"), {"topic": topic_name(item.topic_ids[0])}))
    if not said:
        said.append((gettext_noop("A well-watched video we think you may like"), {}))
    return said
