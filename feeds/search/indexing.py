"""Keeping the search index current: a video's document and the terms it touches are rewritten when the
video changes (published, edited, moderated, deleted) or its creator's name does, after that change's
commit (``creators.hooks``). ``search_reindex`` rebuilds everything.

Only removed and unpublished videos are left out of the index. Beside its words, a row holds two flags
read from the video itself (``listed``, ``adults_only``) that let a search pass over most ineligible rows
without a join; who may see a video is still decided when a search runs (``feeds.search.selectors``), so
a changed rule, an account made private or a new block needs no reindexing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from creators.selectors import video_is_adults_only
from feeds.search.models import SearchTerm, SearchWord, VideoDocument
from feeds.search.text import fold

logger = logging.getLogger(__name__)
Kind = SearchTerm.Kind
# Shorter words have too few trigrams for a typo to be told from another word.
MIN_TYPO_WORD = 4

# The videos a term counts and suggestions are ordered by: public ones anyone may find.
COUNTED = {
    "state": Video.State.PUBLISHED,
    "moderation_state": Video.Moderation.VISIBLE,
    "visibility": Video.Visibility.PUBLIC,
}


def _counted(prefix: str) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in COUNTED.items()})


def _is_indexed(video: Video) -> bool:
    return video.state == Video.State.PUBLISHED and video.moderation_state != Video.Moderation.REMOVED


def is_listed(video: Video) -> bool:
    """The video's own part of ``recommendable_videos`` (the owner's part is checked at search time)."""
    return (
        video.state == Video.State.PUBLISHED
        and video.moderation_state == Video.Moderation.VISIBLE
        and video.visibility == Video.Visibility.PUBLIC
        and not video.is_unverified
    )


def _videos_with_words(video_ids: Iterable[int] | None = None, *, owner_id: int | None = None) -> list[Video]:
    queryset = Video.objects.select_related("owner").prefetch_related("hashtags")
    if video_ids is not None:
        queryset = queryset.filter(pk__in=list(video_ids))
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    videos = list(queryset)
    topics: dict[int, list[str]] = {}
    for video_id, name in VideoTopic.objects.filter(
        video_id__in=[video.pk for video in videos], review_state=VideoTopic.Review.APPROVED
    ).values_list("video_id", "topic__name"):
        topics.setdefault(video_id, []).append(name)
    for video in videos:
        video.search_topics = topics.get(video.pk, [])  # type: ignore[attr-defined]
    return videos


def document_of(video: Video) -> str:
    """The folded words a video is found by: caption, hashtags, approved topics, creator name and handle."""
    parts = [
        video.caption,
        " ".join(tag.name for tag in video.hashtags.all()),
        " ".join(video.search_topics),  # type: ignore[attr-defined]
        video.owner.display_name,
        video.owner.handle,
    ]
    return fold(" ".join(parts))


def _documents_write(videos: list[Video]) -> set[str]:
    """Rewrite these videos' documents (deleting those no longer indexed); the hashtags they had or have."""
    old = dict(
        VideoDocument.objects.filter(video_id__in=[video.pk for video in videos]).values_list(
            "video_id", "hashtags"
        )
    )
    touched = {name for names in old.values() for name in names.split()}
    now = timezone.now()
    keep = [video for video in videos if _is_indexed(video)]
    VideoDocument.objects.filter(
        video_id__in=[video.pk for video in videos if not _is_indexed(video)]
    ).delete()
    rows = []
    for video in keep:
        names = sorted(tag.name for tag in video.hashtags.all())
        touched.update(names)
        rows.append(
            VideoDocument(
                video=video,
                document=document_of(video),
                hashtags=" ".join(names),
                listed=is_listed(video),
                adults_only=video_is_adults_only(video),
                updated_at=now,
            )
        )
    # Delete and insert, not an upsert: SQLite's triggers then replace the FTS5 rows in two plain steps.
    VideoDocument.objects.filter(video_id__in=[row.video_id for row in rows]).delete()
    VideoDocument.objects.bulk_create(rows, batch_size=500)
    vocabulary = {word for row in rows for word in row.document.split() if MIN_TYPO_WORD <= len(word) <= 64}
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(vocabulary)], batch_size=1000, ignore_conflicts=True
    )
    return touched


def _terms_replace(kind: str, object_ids: Iterable[int], rows: list[SearchTerm]) -> None:
    SearchTerm.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()
    SearchTerm.objects.bulk_create([row for row in rows if row.text], batch_size=500, ignore_conflicts=True)


def hashtag_terms_refresh(names: Iterable[str]) -> None:
    hashtags = Hashtag.objects.filter(name__in=list(names)).annotate(
        counted=Count("videos", filter=_counted("videos__"))
    )
    rows, ids = [], []
    for hashtag in hashtags:
        ids.append(hashtag.pk)
        if hashtag.counted:
            rows.append(
                SearchTerm(
                    kind=Kind.HASHTAG,
                    object_id=hashtag.pk,
                    text=fold(hashtag.name),
                    label=hashtag.name,
                    video_count=hashtag.counted,
                )
            )
    _terms_replace(Kind.HASHTAG, ids, rows)


def creator_terms_refresh(profile_ids: Iterable[int]) -> None:
    ids = list(profile_ids)
    profiles = CreatorProfile.objects.filter(pk__in=ids).annotate(
        counted=Count("videos", filter=_counted("videos__"))
    )
    rows = [
        SearchTerm(
            kind=Kind.CREATOR,
            object_id=profile.pk,
            text=text,
            label=profile.display_name or profile.handle,
            video_count=profile.counted,
        )
        for profile in profiles
        for text in dict.fromkeys((fold(profile.handle), fold(profile.display_name)))
    ]
    _terms_replace(Kind.CREATOR, ids, rows)


def topic_terms_refresh(topic_ids: Iterable[int] | None = None) -> None:
    topics = Topic.objects.all() if topic_ids is None else Topic.objects.filter(pk__in=list(topic_ids))
    counted = Q(video_topics__review_state=VideoTopic.Review.APPROVED) & _counted("video_topics__video__")
    topics = topics.annotate(counted=Count("video_topics", filter=counted))
    rows = [
        SearchTerm(
            kind=Kind.TOPIC,
            object_id=topic.pk,
            text=fold(topic.name),
            label=topic.name,
            video_count=topic.counted,
        )
        for topic in topics
    ]
    _terms_replace(Kind.TOPIC, [topic.pk for topic in topics], rows)


def video_index(*, video_id: int) -> None:
    """Bring one video's document, and the counts of its creator, hashtags and topics, up to date (a
    deleted video's document went with it; its terms are recounted)."""
    with transaction.atomic():
        videos = _videos_with_words([video_id])
        touched = _documents_write(videos)
        if not videos:
            # Deleted: its document went with it (the cascade; on SQLite the triggers then empty its FTS5
            # rows); its terms were counted again after the commit (``video_deleting``).
            return
        video = videos[0]
        hashtag_terms_refresh(touched)
        creator_terms_refresh([video.owner_id])
        topic_terms_refresh(VideoTopic.objects.filter(video_id=video_id).values_list("topic_id", flat=True))


_deleted = threading.local()


def _pending_deletes() -> dict[str, set[Any]]:
    if not hasattr(_deleted, "terms"):
        _deleted.terms = {"hashtags": set(), "creators": set(), "topics": set()}
    pending: dict[str, set[Any]] = _deleted.terms
    return pending


def video_deleting(*, video: Video) -> None:
    """Before a video's row goes (``pre_delete``): note the hashtags, creator and topics its search terms
    counted it in (once it is gone nothing says which), to count them again after the commit."""
    pending = _pending_deletes()
    hashtags = VideoDocument.objects.filter(video_id=video.pk).values_list("hashtags", flat=True).first()
    pending["hashtags"].update((hashtags or "").split())
    pending["creators"].add(video.owner_id)
    pending["topics"].update(VideoTopic.objects.filter(video_id=video.pk).values_list("topic_id", flat=True))
    transaction.on_commit(terms_after_deletes)


def terms_after_deletes() -> None:
    """Count again the terms of the videos deleted by the transaction that just committed (one call does
    all of them; the others find nothing left). A rolled-back deletion's notes are counted with the next:
    a recount is right whenever it runs."""
    pending = _pending_deletes()
    hashtags, creators, topics = (set(pending[key]) for key in ("hashtags", "creators", "topics"))
    for values in pending.values():
        values.clear()
    if not (hashtags or creators or topics):
        return
    with transaction.atomic():
        hashtag_terms_refresh(hashtags)
        creator_terms_refresh(creators)
        topic_terms_refresh(topics)


def profile_index(*, profile_id: int) -> None:
    """A creator's name or handle changed: their terms, and every one of their videos' documents."""
    with transaction.atomic():
        _documents_write(_videos_with_words(owner_id=profile_id))
        creator_terms_refresh([profile_id])


# What search's eligibility check reads, by key, after the text has chosen a few hundred videos.
STATISTICS_TABLES = ("creators_video", "creators_creatorprofile", "platform_user")


def planner_statistics() -> None:
    """SQLite: the planner's statistics of the tables search's eligibility check reads. Without them
    SQLite takes "state = 'published'" for a narrow index and walks every published video, checking each
    against the few hundred ids asked about (0.4-0.9 s at 20,000 videos, against 1-6 ms with them).
    Only these tables: statistics on the comments table lead its planner astray (see
    ``devtools/bench/comments.py``). PostgreSQL's autovacuum keeps its own."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in STATISTICS_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def reindex_all(*, batch: int = 2000) -> int:
    """Rebuild the whole index from the videos (``search_reindex``); how many documents it holds."""
    with transaction.atomic():
        VideoDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        SearchWord.objects.all().delete()
        ids = list(
            Video.objects.filter(state=Video.State.PUBLISHED)
            .exclude(moderation_state=Video.Moderation.REMOVED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), batch):
            _documents_write(_videos_with_words(ids[start : start + batch]))
        hashtag_terms_refresh(Hashtag.objects.values_list("name", flat=True))
        creator_terms_refresh(CreatorProfile.objects.values_list("pk", flat=True))
        topic_terms_refresh()
    planner_statistics()
    return len(ids)
