"""A few rows of every model the admin lists, with long-ish names, so that the admin's pages are measured and
looked at with realistic content rather than empty tables."""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from businesses.models import (
    BusinessProfile,
    Payment,
    Promotion,
    PromotionDay,
    PromotionPrice,
    Refund,
    StripeEvent,
)
from creators.comments.models import Comment
from creators.models import (
    Appeal,
    CreatorProfile,
    Decision,
    Follow,
    Hashtag,
    Report,
    Topic,
    Video,
    VideoTopic,
    WatchedWord,
)
from feeds.models import (
    CreatorDay,
    HashtagFollow,
    HashtagStats,
    InterestProfile,
    RollupState,
    Signal,
    TrendingHashtag,
    VideoStats,
)
from feeds.search.models import SearchNotice
from platform.guidelines import Guideline
from platform.models import AuditEntry, User
from tests.factories import CreatorFactory, UserFactory, VideoFactory

LONG_CAPTION = (
    "Sourdough at dawn: how the starter, the fold and a very slow proof in the fridge make the crumb "
    "open and glossy #bread #baking #slowfood #morningroutine"
)
USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@dataclass(frozen=True)
class AdminWorld:
    superuser: User
    videos: list[Video]
    appeal: Appeal


def _ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def admin_world_create(
    *, superuser_email: str = "head.of.trust.and.safety@joyreel-moderation.example"
) -> AdminWorld:
    """Rows for every registered admin model (a few each), as the demo would have them after a busy week."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import Token

    superuser = UserFactory.create(
        email=superuser_email, display_name="Head of Trust", is_staff=True, is_superuser=True
    )
    people = [
        UserFactory.create(
            email=f"{name.lower().replace(' ', '.')}.{index}@a-rather-long-mail-provider.example",
            display_name=name,
            country=country,
            region=region,
        )
        for index, (name, country, region) in enumerate(
            [
                ("Margarethe von Hohenstein-Schulenburg", "DE", "DE-BY"),
                ("Oluwaseun Adebayo-Williams", "NG", "NG-LA"),
                ("Maximilian Alexander Fischer", "AT", "AT-9"),
                ("Anna-Lena Kowalczyk", "PL", "PL-14"),
            ]
        )
    ]
    Group.objects.get_or_create(name="Local culture reviewers (Bavaria and Austria)")
    Token.objects.create(user=people[0])

    creators = [
        CreatorFactory.create(
            user=person,
            handle=f"{handle}",
            display_name=f"{person.display_name} Studio",
            bio="Baking and travel",
        )
        for person, handle in zip(
            people,
            ["margarethe_bakes_sourdough", "seun_cooks_lagos", "max_hikes_the_alps", "annalena_dances"],
            strict=True,
        )
    ]
    stem = Topic.objects.get(slug="stem")
    hashtags = [Hashtag.objects.create(name=name) for name in ("sourdoughbaking", "alpinehiking")]
    videos = []
    for index, creator in enumerate(creators):
        video = VideoFactory.create(owner=creator, caption=f"{LONG_CAPTION} ({index})")
        video.hashtags.add(*hashtags)
        videos.append(video)
    held = VideoFactory.create(
        owner=creators[1], caption="This miracle cure tea fixes everything", moderation_state="review"
    )
    videos.append(held)
    AuditEntry.objects.create(action="video.review", target_type="creators.video", target_id=str(held.pk))
    AuditEntry.objects.create(
        action="profile.review", target_type="creators.creatorprofile", target_id=str(creators[2].pk)
    )
    AuditEntry.objects.filter(action__in=["video.review", "profile.review"]).update(created_at=_ago(hours=26))
    CreatorProfile.objects.filter(pk=creators[2].pk).update(
        is_under_review=True, bio="Selling a miracle cure for altitude sickness, message me"
    )
    VideoTopic.objects.create(video=videos[0], topic=stem, review_state=VideoTopic.Review.PENDING)
    VideoTopic.objects.create(
        video=videos[1], topic=stem, review_state=VideoTopic.Review.APPROVED, reviewed_by=superuser
    )
    for follower, creator in zip(people, reversed(creators), strict=True):
        Follow.objects.create(follower=follower, creator=creator)

    for index, video in enumerate(videos[:3]):
        Report.objects.create(
            video=video,
            reporter=people[(index + 1) % len(people)],
            viewer_key=f"u:{people[(index + 1) % len(people)].pk}",
            reason=Guideline.DANGEROUS,
            detail="They balance on the balcony railing without any safety line",
            created_at=_ago(hours=5 + index),
        )
    Report.objects.create(
        profile=creators[3], viewer_key="a:2f9c0a4e7d", reason=Guideline.HARASSMENT, created_at=_ago(hours=2)
    )
    # Comments: one reported twice (its words as long as a comment may be), one a watched word held.
    rude = Comment.objects.create(
        video=videos[0],
        author=people[1],
        text=(
            "Honestly this is the most boring bread video I have ever seen, you should give up baking and "
            "stop posting this <b>nonsense</b> for everyone " * 4
        )[:500],
        created_at=_ago(hours=9),
    )
    for index, reason in enumerate([Guideline.HARASSMENT, Guideline.SPAM]):
        Report.objects.create(
            comment=rude,
            reporter=people[2 + index],
            viewer_key=f"u:{people[2 + index].pk}",
            reason=reason,
            detail="Insulting the baker in every comment under her videos",
            created_at=_ago(hours=4 + index),
        )
    Comment.objects.create(
        video=videos[2],
        author=people[0],
        text="This miracle cure tea fixed my altitude sickness in a day, message me for the supplier",
        state=Comment.State.PENDING,
        is_watched_match=True,
        created_at=_ago(hours=3),
    )
    decisions = [
        Decision.objects.create(
            account=video.owner.user,
            video=video,
            action=action,
            guideline=Guideline.DANGEROUS,
            facts="The video shows balancing on a balcony railing five floors up without a safety line.",
            source=Decision.Source.REPORT,
            decided_by=superuser,
            appeal_until=timezone.now() + datetime.timedelta(days=180),
        )
        for video, action in zip(
            videos[:3], [Decision.Action.REMOVE, Decision.Action.LIMIT, "age_restrict"], strict=True
        )
    ]
    Decision.objects.create(
        account=people[3],
        action=Decision.Action.WARNING,
        guideline=Guideline.HARASSMENT,
        facts="The profile's links insult another creator by name.",
        decided_by=superuser,
    )
    appeal = Appeal.objects.create(
        decision=decisions[0],
        appellant=decisions[0].account,
        statement="It was a stage set one metre above the floor, filmed for a theatre school.",
        created_at=_ago(hours=3),
    )
    Appeal.objects.create(
        decision=decisions[1],
        appellant=decisions[1].account,
        statement="The video is a cooking video.",
        state=Appeal.State.UPHELD,
        decided_by=superuser,
        decided_at=_ago(hours=1),
    )
    WatchedWord.objects.create(
        phrase="miracle cure", note="Health scams sold in captions and bios", created_by=superuser
    )
    for index in range(3):
        AuditEntry.objects.create(
            actor=superuser,
            action="decision.take",
            target_type="creators.video",
            target_id=str(videos[index].pk),
            detail={"action": "remove"},
        )

    for person in people:
        InterestProfile.objects.create(viewer_key=f"u:{person.pk}", user=person, signal_count=42)
    for video in videos:
        VideoStats.objects.create(
            video=video, impressions=12345, completions=2345, likes=678, watch_seconds=9876.5
        )
        Signal.objects.create(
            viewer_key=f"a:{uuid.uuid4().hex[:24]}",
            event_id=uuid.uuid4(),
            video=video,
            kind="impression",
            source="for_you",
            watched_seconds=12.5,
        )
    for creator in creators:
        CreatorDay.objects.create(creator=creator, day=timezone.localdate(), views=1234, viewers=987)
    RollupState.objects.get_or_create(name="video_stats_and_creator_analytics")
    # Discovery: hashtag follows, the hashtag rollup's counts and trending lists, a search notice.
    for person in people:
        HashtagFollow.objects.create(user=person, hashtag=hashtags[0])
    for rank, hashtag in enumerate(hashtags, start=1):
        HashtagStats.objects.create(hashtag=hashtag, videos=4, views=1200 * rank)
        TrendingHashtag.objects.create(region="DE-BY", hashtag=hashtag, rank=rank, score=10.0 / rank)
    SearchNotice.objects.create(
        terms="election\nvoting",
        message="Find out how, when and where to vote from your official election office.",
        link_url="https://www.bundeswahlleiterin.de/",
    )

    businesses = [
        BusinessProfile.objects.create(
            creator=creator,
            legal_name=name,
            category=BusinessProfile.Category.FOOD_AND_DRINK,
            country=creator.user.country,
            region=creator.user.region,
            website="https://www.margarethes-sourdough-bakery.example/about-our-bread",
        )
        for creator, name in zip(
            creators[:2],
            ["Margarethes Sauerteig-Bäckerei und Konditorei GmbH", "Lagos Street Kitchen Ltd."],
            strict=True,
        )
    ]
    for index, (business, state) in enumerate(
        zip(businesses, [Promotion.State.IN_REVIEW, Promotion.State.ACTIVE], strict=True)
    ):
        promotion = Promotion.objects.create(
            business=business,
            video=videos[index],
            goal=Promotion.Goal.VIDEO_VIEWS,
            budget_cents=250000,
            currency="EUR",
            duration_days=14,
            cpm_cents=800,
            state=state,
            created_at=_ago(hours=7 + index),
            paid_at=_ago(hours=7 + index),
            ends_at=timezone.now() + datetime.timedelta(days=14),
        )
        payment = Payment.objects.create(
            promotion=promotion,
            attempt=1,
            idempotency_key=f"promotion-{promotion.public_id}-1",
            intent_id=f"pi_3PqLongIntentIdentifier{index}XyZ0123456789",
            amount_cents=250000,
            currency="EUR",
            status=Payment.Status.SUCCEEDED,
        )
        Refund.objects.create(
            payment=payment,
            amount_cents=12345,
            currency="EUR",
            reason=Refund.Reason.UNSPENT,
            idempotency_key=f"refund-{promotion.public_id}",
            stripe_id=f"re_3PqLongRefundIdentifier{index}XyZ0123456789",
        )
        PromotionDay.objects.create(
            promotion=promotion, day=timezone.localdate(), impressions=3456, spent_cents=2765
        )
        StripeEvent.objects.create(
            event_id=f"evt_3PqLongEventIdentifier{index}XyZ0123456789",
            type="payment_intent.succeeded",
            object_id=payment.intent_id or "",
            created=_ago(hours=6),
        )
    PromotionPrice.objects.get_or_create(
        audience=Promotion.Audience.AUTOMATIC, defaults={"cpm_cents": 800, "currency": "EUR"}
    )

    for index in range(2):
        common = {
            "user_agent": USER_AGENT,
            "ip_address": f"203.0.113.{index + 10}",
            "username": people[index].email,
            "http_accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "path_info": "/accounts/login/",
        }
        AccessAttempt.objects.create(**common, get_data="", post_data="email=…", failures_since_start=3)
        AccessLog.objects.create(**common)
        AccessFailureLog.objects.create(**common)
    return AdminWorld(superuser=superuser, videos=videos, appeal=appeal)
