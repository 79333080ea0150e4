"""The sponsored-slot provider: which active promotion, if any, fills this viewer's For You slot.

Each web process keeps a small snapshot of the active promotions (targeting, budget, price, dates),
reloaded every ``PROMOTION_SNAPSHOT_SECONDS``, so choosing a slot needs no query. Serving it takes one
conditional upsert of the viewer's delivery row for the day, which enforces the frequency cap in the
database, whatever the number of web processes. Charging happens later, when the player reports the
impression (``services.charging``).

Targeting is by construction adults only: a viewer without an adult age band is never offered a slot,
and the bands a promotion can target are adult bands.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from businesses import rules
from businesses.models import Promotion, PromotionDelivery
from feeds.sponsored import SponsoredSlot
from platform import age, blocking
from platform.regions import region_name
from platform.viewer import Viewer

logger = logging.getLogger(__name__)
# Slots go to one of the few promotions furthest behind their even-spend line, chosen by the viewer, so
# that concurrent pages do not all charge the same promotion's row at once.
CANDIDATES = 3
# How often (real seconds) each process re-sorts its active promotions by how far behind they are.
ORDER_SECONDS = 0.2

CALL_TO_ACTION = {
    Promotion.Goal.WEBSITE_VISITS: gettext_noop("Visit website"),
    Promotion.Goal.PROFILE_VISITS: gettext_noop("Visit profile"),
    Promotion.Goal.VIDEO_VIEWS: gettext_noop("See more videos"),
}


@dataclass(frozen=True, slots=True)
class Live:
    """What serving needs of one active promotion."""

    id: int
    video_id: int
    owner_user_id: int
    owner_creator_id: int  # the business's creator profile: what a viewer's hidden creators name
    sponsor_name: str
    call_to_action: str  # English (``gettext_noop``): translated when the slot is served
    click_url: str
    why: Audience
    regions: frozenset[str]
    bands: frozenset[str]
    topic_ids: frozenset[int]
    budget_cents: int
    cpm_cents: int
    starts: float
    ends: float

    @property
    def price(self) -> float:
        """One impression's price in (fractional) cents."""
        return self.cpm_cents / 1000


@dataclass
class Snapshot:
    lives: tuple[Live, ...] = ()
    spent: dict[int, int] = field(default_factory=dict)
    # Slots this process served since the snapshot was loaded: spend that is probably on its way.
    served: dict[int, int] = field(default_factory=dict)
    loaded_at: float = float("-inf")  # time.monotonic() when loaded
    # ``lives``, the furthest behind their even-spend line first, as of ``ordered_at`` (monotonic).
    ordered: _Order | None = None
    ordered_at: float = float("-inf")
    columns: _Columns | None = None  # ``lives`` as arrays, made at the first ordering

    def arrays(self) -> _Columns:
        """``lives`` as arrays (made once: ``_load`` makes them before the snapshot is shared)."""
        if self.columns is None:
            self.columns = _Columns.of(self)
        return self.columns

    def note_served(self, promotion_id: int, count: int = 1) -> None:
        """Count slots this process served for a promotion since the load (in ``served`` and its array)."""
        self.served[promotion_id] = self.served.get(promotion_id, 0) + count
        columns = self.columns
        if columns is not None and (index := columns.position.get(promotion_id)) is not None:
            columns.served[index] += count


@dataclass(frozen=True)
class _Columns:
    """What ordering needs of a snapshot's promotions, as arrays in the order of ``lives``."""

    ids: np.ndarray
    position: dict[int, int]
    starts: np.ndarray
    spans: np.ndarray
    budgets: np.ndarray
    prices: np.ndarray
    spent: np.ndarray  # the snapshot's own spend, before this process's slots
    served: np.ndarray  # ``Snapshot.served`` as counts (int64), kept by ``Snapshot.note_served``

    @classmethod
    def of(cls, snapshot: Snapshot) -> _Columns:
        lives = snapshot.lives
        starts = np.array([live.starts for live in lives], dtype=np.float64)
        return cls(
            ids=np.array([live.id for live in lives], dtype=np.int64),
            position={live.id: index for index, live in enumerate(lives)},
            starts=starts,
            spans=np.array([live.ends for live in lives], dtype=np.float64) - starts,
            budgets=np.array([live.budget_cents for live in lives], dtype=np.float64),
            prices=np.array([live.price for live in lives], dtype=np.float64),
            spent=np.array([snapshot.spent.get(live.id, 0) for live in lives], dtype=np.float64),
            served=np.array([snapshot.served.get(live.id, 0) for live in lives], dtype=np.int64),
        )


def _shares(*, starts: np.ndarray, spans: np.ndarray, now: float) -> np.ndarray:
    """``rules.even_spend_share`` of each promotion: 1 without a span, else the elapsed share in [0, 1]."""
    positive = spans > 0
    return np.where(
        positive,
        np.minimum(1.0, np.maximum(0.0, (now - starts) / np.where(positive, spans, 1.0))),
        1.0,
    )


@dataclass(frozen=True)
class _Order:
    """The promotions, the furthest behind first (``by_deficit``), with what a page's check of them
    needs as arrays in that order: their pacing and their targeting."""

    lives: tuple[Live, ...]
    positions: np.ndarray  # each one's index in the snapshot's ``_Columns``
    starts: np.ndarray
    spans: np.ndarray
    budgets: np.ndarray
    prices: np.ndarray
    spent: np.ndarray
    any_region: np.ndarray  # True where a promotion targets no region
    regions: dict[str, np.ndarray]  # region code: where a promotion targets it
    any_band: np.ndarray
    bands: dict[str, np.ndarray]
    any_topic: np.ndarray
    topics: dict[int, np.ndarray]

    @classmethod
    def of(cls, snapshot: Snapshot, positions: np.ndarray) -> _Order:
        columns = snapshot.arrays()
        lives = tuple(snapshot.lives[index] for index in positions.tolist())
        size = len(lives)

        def where(values: Callable[[Live], frozenset[Any]]) -> tuple[np.ndarray, dict[Any, np.ndarray]]:
            masks: dict[Any, np.ndarray] = {}
            for index, live in enumerate(lives):
                for value in values(live):
                    masks.setdefault(value, np.zeros(size, dtype=bool))[index] = True
            return np.array([not values(live) for live in lives], dtype=bool), masks

        any_region, regions = where(lambda live: live.regions)
        any_band, bands = where(lambda live: live.bands)
        any_topic, topics = where(lambda live: live.topic_ids)
        return cls(
            lives=lives,
            positions=positions,
            starts=columns.starts[positions],
            spans=columns.spans[positions],
            budgets=columns.budgets[positions],
            prices=columns.prices[positions],
            spent=columns.spent[positions],
            any_region=any_region,
            regions=regions,
            any_band=any_band,
            bands=bands,
            any_topic=any_topic,
            topics=topics,
        )

    def may_take(self, *, served: np.ndarray, now: float) -> np.ndarray:
        """Where a promotion may take one more impression now (``rules.pacing_deficit`` is not None),
        counting this process's slots since the load at their price."""
        spent = self.spent + served[self.positions] * self.prices
        behind = _shares(starts=self.starts, spans=self.spans, now=now) - spent / self.budgets
        taken: np.ndarray = ~(spent + self.prices > self.budgets) & (behind >= 0)
        return taken

    def targets(self, *, region: str | None, band: str, topic_interest: Mapping[int, float]) -> np.ndarray:
        """Where a promotion's targeting takes this viewer: every dimension it targets must match."""
        shown: np.ndarray = (
            self.any_region | self.regions[region] if region in self.regions else self.any_region.copy()
        )
        shown &= self.any_band | self.bands[band] if band in self.bands else self.any_band
        watched = [mask for topic, mask in self.topics.items() if topic_interest.get(topic, 0.0) > 0]
        shown &= np.logical_or.reduce([self.any_topic, *watched])
        return shown


def by_deficit(snapshot: Snapshot, now: float) -> tuple[Live, ...]:
    """The snapshot's promotions, the furthest behind their even-spend line first (as a share of their
    budget; ties by id), counting this process's slots since the snapshot was loaded at their price.

    The same order, to the last bit, as sorting by ``(-(rules.even_spend_share(...) - spent / budget),
    id)`` one promotion at a time, which cost 0.55 ms for 1,000 promotions every ``ORDER_SECONDS``: the
    page that met the re-sort paid it."""
    lives = snapshot.lives
    return tuple(lives[index] for index in _deficit_order(snapshot, now).tolist())


def _deficit_order(snapshot: Snapshot, now: float) -> np.ndarray:
    """``by_deficit`` as indexes into ``snapshot.lives``."""
    if not snapshot.lives:
        return np.zeros(0, dtype=np.int64)
    columns = snapshot.arrays()
    spent = columns.spent + columns.served * columns.prices
    behind = _shares(starts=columns.starts, spans=columns.spans, now=now) - spent / columns.budgets
    return np.lexsort((columns.ids, -behind))


def _load(now: float, previous: Snapshot | None = None) -> Snapshot:
    """The promotions running at ``now``: one light query for which they are and what they have spent;
    the rest (targeting, names, dates: fixed while a promotion runs) is read only for those the previous
    snapshot did not have."""
    moment = datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
    running = dict(
        Promotion.objects.filter(
            state=Promotion.State.ACTIVE, starts_at__lte=moment, ends_at__gt=moment
        ).values_list("pk", "spent_cents")
    )
    known = {live.id: live for live in previous.lives} if previous is not None else {}
    fresh = _lives(ids=[pk for pk in running if pk not in known])
    lives = tuple(known.get(pk) or fresh[pk] for pk in running if pk in known or pk in fresh)
    snapshot = Snapshot(lives=lives, spent=running)
    snapshot.arrays()  # before any thread sees it: slots served are counted in these arrays
    return snapshot


def _lives(*, ids: list[int]) -> dict[int, Live]:
    if not ids:
        return {}
    promotions = list(
        Promotion.objects.filter(pk__in=ids)
        .select_related("business", "video")
        .prefetch_related("topics")
        .only(
            "id", "public_id", "goal", "regions", "age_bands", "budget_cents", "cpm_cents",
            "starts_at", "ends_at", "video__id", "video__owner_id", "business__legal_name",
            "business__creator_id", "business__website",
        )
    )  # fmt: skip
    owners = dict(Promotion.objects.filter(pk__in=ids).values_list("pk", "business__creator__user_id"))
    visit = reverse("businesses:promotion_visit", args=[uuid.UUID(int=0)])
    lives = {}
    for promotion in promotions:
        assert promotion.starts_at is not None
        assert promotion.ends_at is not None
        lives[promotion.pk] = Live(
            id=promotion.pk,
            video_id=promotion.video.pk,
            owner_user_id=owners[promotion.pk],
            owner_creator_id=promotion.business.creator_id,
            sponsor_name=promotion.business.legal_name,
            call_to_action=CALL_TO_ACTION[Promotion.Goal(promotion.goal)],
            why=_why(promotion),
            click_url=visit.replace(str(uuid.UUID(int=0)), str(promotion.public_id)),
            regions=frozenset(promotion.regions),
            bands=frozenset(promotion.age_bands),
            topic_ids=frozenset(topic.pk for topic in promotion.topics.all()),
            budget_cents=promotion.budget_cents,
            cpm_cents=promotion.cpm_cents,
            starts=promotion.starts_at.timestamp(),
            ends=promotion.ends_at.timestamp(),
        )
    return lives


@dataclass(frozen=True, slots=True)
class Audience:
    """The audience the business chose (region codes, age band labels, topic names); words only when
    served, in the viewer's language (``why_text``)."""

    regions: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


def _why(promotion: Promotion) -> Audience:
    labels = dict(rules.AdultAgeBand.choices)
    return Audience(
        regions=tuple(promotion.regions),
        bands=tuple(str(labels[band]) for band in promotion.age_bands),
        topics=tuple(topic.name for topic in promotion.topics.all()),
    )


def why_text(audience: Audience) -> str:
    """The audience as the viewer reads it in "Why this?"."""
    chosen = []
    if audience.regions:
        chosen.append(
            _("in %(regions)s") % {"regions": ", ".join(region_name(code) for code in audience.regions)}
        )
    if audience.bands:
        chosen.append(_("aged %(bands)s") % {"bands": ", ".join(audience.bands)})
    if audience.topics:
        chosen.append(_("who watch %(topics)s") % {"topics": ", ".join(audience.topics)})
    if not chosen:
        return _("Shown to adults likely to enjoy it, from what they watch; never to anyone under 18.")
    return _("The business chose adults %(audience)s; never anyone under 18.") % {
        "audience": _(" and ").join(chosen)
    }


def _served_record(*, promotion_id: int, viewer_key: str, day: datetime.date, cap: int) -> bool:
    """Count one more slot for this viewer and day if they are under the cap; False when they are not.

    One statement: an insert, or an update guarded by the cap, so two processes serving the same viewer
    at once cannot both pass it."""
    table = connection.ops.quote_name(PromotionDelivery._meta.db_table)
    sql = (
        f"INSERT INTO {table} (promotion_id, viewer_key, day, served, impressions, watched_seconds) "  # noqa: S608
        "VALUES (%s, %s, %s, 1, 0, 0) "
        "ON CONFLICT (promotion_id, viewer_key, day) DO UPDATE SET served = "
        f"{table}.served + 1 WHERE {table}.served < %s RETURNING served"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [promotion_id, viewer_key, day, cap])
        return cursor.fetchone() is not None


class PromotionSlots:
    """The provider ``businesses`` registers into ``feeds.sponsored``."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock  # the time that pacing and the promotions' dates are measured against
        self._snapshot = Snapshot()
        self._lock = threading.Lock()
        self._reloading = False

    def snapshot(self) -> Snapshot:
        """The active promotions, reloaded every ``PROMOTION_SNAPSHOT_SECONDS`` of real time.

        The first load happens in the request; later ones in a background thread while requests go on
        with the previous snapshot, so no page waits for a reload (with 0 seconds, as in tests, every
        request loads its own)."""
        elapsed = time.monotonic()
        snapshot = self._snapshot
        if elapsed - snapshot.loaded_at < settings.PROMOTION_SNAPSHOT_SECONDS:
            return snapshot
        if snapshot.loaded_at == float("-inf") or settings.PROMOTION_SNAPSHOT_SECONDS <= 0:
            with self._lock:
                if self._snapshot is snapshot:
                    self._snapshot = self._loaded(elapsed)
            return self._snapshot
        with self._lock:
            if self._reloading:
                return snapshot
            self._reloading = True
        threading.Thread(target=self._reload, args=(elapsed,), name="promotion-snapshot", daemon=True).start()
        return snapshot

    def _loaded(self, elapsed: float) -> Snapshot:
        snapshot = _load(self.clock(), previous=self._snapshot)
        snapshot.loaded_at = elapsed
        return snapshot

    def _reload(self, elapsed: float) -> None:
        try:
            fresh = self._loaded(elapsed)
            with self._lock:
                self._snapshot = fresh
        except Exception:
            logger.exception("Reloading the active promotions failed; serving the previous ones.")
        finally:
            self._reloading = False
            connection.close()

    def forget(self) -> None:
        """Reload on the next request (after a promotion starts or stops in this process)."""
        self._snapshot = Snapshot()

    def candidates(
        self,
        *,
        viewer: Viewer,
        exclude_video_ids: set[int],
        topic_interest: Mapping[int, float],
        limit: int = CANDIDATES,
    ) -> list[Live]:
        """The promotions this viewer may be shown now (at most ``limit``), the furthest behind its
        even-spend line first (``rules.pacing_deficit``)."""
        user = viewer.user
        if user is None or not viewer.policy.may_see_promotions or user.date_of_birth is None:
            return []
        band = rules.adult_band(age.age_on(date_of_birth=user.date_of_birth, on=age.today()))
        if band is None:
            return []
        snapshot = self.snapshot()
        now = self.clock()
        order = self._ordered(snapshot, now)
        if not order.lives:
            return []
        # Every promotion's targeting and pacing at once, as arrays in the order (at most ORDER_SECONDS
        # old) furthest behind first; then the first few this viewer may get.
        open_to = order.targets(region=viewer.region, band=band, topic_interest=topic_interest)
        open_to &= order.may_take(served=snapshot.arrays().served, now=now)
        picked: list[Live] = []
        owner = user.pk
        for index in np.flatnonzero(open_to).tolist():
            live = order.lives[index]
            if live.video_id in exclude_video_ids or live.owner_user_id == owner:
                continue
            picked.append(live)
            if len(picked) == limit:
                break
        return picked

    def _ordered(self, snapshot: Snapshot, now: float) -> _Order:
        elapsed = time.monotonic()
        ordered = snapshot.ordered
        if (
            ordered is None
            or elapsed - snapshot.ordered_at >= ORDER_SECONDS
            or settings.PROMOTION_SNAPSHOT_SECONDS <= 0
        ):
            ordered = _Order.of(snapshot, _deficit_order(snapshot, now))
            snapshot.ordered, snapshot.ordered_at = ordered, elapsed
        return ordered

    def slot_for(
        self,
        *,
        viewer: Viewer,
        feed: str,
        exclude_video_ids: set[int],
        topic_interest: Mapping[int, float],
        hidden_creators: frozenset[int] | None = None,
    ) -> SponsoredSlot | None:
        if feed != "for_you":
            return None
        candidates = self.candidates(
            viewer=viewer, exclude_video_ids=exclude_video_ids, topic_interest=topic_interest
        )
        if candidates and hidden_creators is not None:
            # Never a promotion of an account blocked either way or muted: the page's copy of them.
            candidates = [live for live in candidates if live.owner_creator_id not in hidden_creators]
        elif candidates and viewer.user_id is not None:
            # No copy (a viewer without an interest profile yet): asked, only when there is a candidate.
            hidden = set(blocking.hidden_ids(user_id=viewer.user_id))
            candidates = [live for live in candidates if live.owner_user_id not in hidden]
        day = timezone.localdate()  # the day the charge will look for (``services.charging``)
        # Viewers are spread over the few furthest behind (by their key, so one viewer's pages agree).
        turn = zlib.crc32(viewer.key.encode()) % len(candidates) if candidates else 0
        for live in candidates[turn:] + candidates[:turn]:
            if _served_record(
                promotion_id=live.id, viewer_key=viewer.key, day=day, cap=settings.PROMOTION_FREQUENCY_CAP
            ):
                self._snapshot.note_served(live.id)
                return SponsoredSlot(
                    video_id=live.video_id,
                    sponsor_name=live.sponsor_name,
                    click_url=live.click_url,
                    promotion_id=live.id,
                    call_to_action=_(live.call_to_action),
                    why=why_text(live.why),
                )
        return None

    def impressions_record(self, *, viewer: Viewer, video_ids: Sequence[int], now: datetime.datetime) -> None:
        from businesses.services.charging import impressions_charge

        impressions_charge(viewer=viewer, video_ids=video_ids, now=now)


slots = PromotionSlots()
