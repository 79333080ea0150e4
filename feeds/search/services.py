"""Search's writes: a search is a short-term interest signal. Searching for a hashtag's or a topic's words
nudges the viewer's short-term interest in it (the part of the profile that fades within the hour), so
the next feed page already leans that way; nothing is learnt about videos nobody watched."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from feeds.models import InterestProfile
from feeds.ranking import Weights
from feeds.search.models import SearchTerm
from feeds.search.text import Query
from platform.viewer import Viewer

# As much as one view of the hashtag or topic watched well past half way, in the short-term interest.
SEARCH_GAIN, SEARCH_VIEWS = 0.5, 1.0


def search_interest_record(*, viewer: Viewer, query: Query) -> tuple[list[int], list[int]]:
    """Nudge the viewer's short-term interest toward the hashtags and topics named by the query's words
    (or the whole query: "street food"); the hashtag and topic ids nudged."""
    if not query.words:
        return [], []
    names = {*query.words, query.folded}
    terms = list(
        SearchTerm.objects.filter(
            kind__in=[SearchTerm.Kind.HASHTAG, SearchTerm.Kind.TOPIC], text__in=names
        ).values_list("kind", "object_id")
    )
    hashtags = sorted({object_id for kind, object_id in terms if kind == SearchTerm.Kind.HASHTAG})
    topics = sorted({object_id for kind, object_id in terms if kind == SearchTerm.Kind.TOPIC})
    if not hashtags and not topics:
        return [], []
    with transaction.atomic():
        profile = InterestProfile.objects.select_for_update().filter(viewer_key=viewer.key).first()
        if profile is None:
            try:
                with transaction.atomic():
                    profile = InterestProfile.objects.create(viewer_key=viewer.key, user_id=viewer.user_id)
            except IntegrityError:  # created by a concurrent request of the same viewer
                profile = InterestProfile.objects.select_for_update().get(viewer_key=viewer.key)
        weights = Weights.from_json(profile.weights)
        recent = weights.short_term()
        for gains, views, ids in (
            (recent.hashtags, recent.hashtag_views, hashtags),
            (recent.topics, recent.topic_views, topics),
        ):
            for key in ids:
                gains[key] = gains.get(key, 0.0) + SEARCH_GAIN
                views[key] = views.get(key, 0.0) + SEARCH_VIEWS
        profile.weights = weights.to_json()
        profile.save(update_fields=["weights"])
    return hashtags, topics
