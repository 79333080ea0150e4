"""Decisions and appeals through their services: each action's effect, the statement sent to the person,
the audit entry, strikes and their reversal, and every way an appeal is refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from creators import services
from creators.models import Appeal, Decision, UploadSession, Video
from platform.errors import Conflict, NotFound
from platform.models import AuditEntry, Notification, User
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory.create(is_staff=True, is_superuser=True)


@pytest.fixture
def second_moderator():
    return UserFactory.create(is_staff=True, is_superuser=True)


def take(moderator, action, **target):
    return services.decision_take(
        actor=moderator, action=action, facts="What we found.", guideline="spam", **target
    )


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("remove", "moderation_state", "removed"),
        ("limit", "moderation_state", "limited"),
        ("age_restrict", "is_age_restricted", True),
        ("label_unverified", "is_unverified", True),
    ],
)
def test_each_video_action_changes_the_video_tells_the_creator_and_is_audited(
    moderator, action, field, value
):
    video = published_video()
    decision = take(moderator, action, video=video)
    video.refresh_from_db()
    assert getattr(video, field) == value
    assert (decision.account_id, decision.video_id, decision.is_automated) == (
        video.owner.user_id,
        video.pk,
        False,
    )
    assert decision.appeal_until is not None
    note = Notification.objects.get()
    assert (note.user_id, note.kind, note.url) == (
        video.owner.user_id,
        "decision",
        f"/decisions/{decision.pk}/",
    )
    assert "Guideline: Spam or scam." in note.body
    assert "What we found." in note.body
    assert "You can appeal until" in note.body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == (f"decision.{action}", moderator, str(decision.pk))


def test_a_dismissal_writes_a_decision_but_tells_the_creator_nothing(moderator):
    video = published_video()
    decision = services.decision_take(actor=moderator, action="dismiss", facts="Fine.", video=video)
    assert decision.appeal_until is None
    assert Notification.objects.count() == 0
    assert Video.objects.get().moderation_state == "visible"


def test_a_warning_changes_nothing_but_is_stated_and_appealable(moderator):
    person = UserFactory.create()
    decision = take(moderator, "warning", account=person)
    person.refresh_from_db()
    assert (person.suspended_until, person.posting_suspended_until) == (None, None)
    assert Notification.objects.get().title == "Your account: warning"
    assert decision.appeal_until is not None


def test_a_suspension_defaults_to_thirty_days_and_reversal_lifts_it(moderator, second_moderator):
    person = UserFactory.create()
    decision = take(moderator, "suspend", account=person)
    person.refresh_from_db()
    assert person.suspended_until == decision.ends_at
    assert (
        datetime.timedelta(days=29) < person.suspended_until - timezone.now() <= datetime.timedelta(days=30)
    )
    appeal = services.appeal_create(appellant=person, decision_id=decision.pk, statement="It was not me.")
    services.appeal_decide(
        actor=second_moderator, appeal=appeal, reverse_decision=True, reason="Mistaken id."
    )
    person.refresh_from_db()
    assert person.suspended_until is None
    decision.refresh_from_db()
    assert decision.reversed_at is not None


def test_a_video_decision_on_an_account_and_a_wrong_guideline_are_refused_with_nothing_written(moderator):
    person = UserFactory.create()
    with pytest.raises(ValidationError) as error:
        take(moderator, "remove", account=person)
    assert error.value.message_dict == {"action": ["That decision is about a video, not an account."]}
    with pytest.raises(ValidationError) as error:
        services.decision_take(
            actor=moderator, action="remove", facts="x", guideline="rude", video=published_video()
        )
    assert error.value.message_dict == {"guideline": ["Unknown guideline."]}
    with pytest.raises(ValidationError):
        services.decision_take(actor=moderator, action="strike", facts="  ", guideline="spam", account=person)
    assert Decision.objects.count() == AuditEntry.objects.count() == Notification.objects.count() == 0
    assert Video.objects.get().moderation_state == "visible"


def test_three_strikes_in_ninety_days_suspend_posting_for_seven_days(moderator):
    person = UserFactory.create()
    now = timezone.now()
    take(moderator, "strike", account=person)
    take(moderator, "strike", account=person)
    person.refresh_from_db()
    assert person.posting_suspended_until is None
    third = take(moderator, "strike", account=person)
    person.refresh_from_db()
    assert services.strikes_active(account=person) == 3
    until = person.posting_suspended_until
    assert until is not None
    assert datetime.timedelta(days=6, hours=23) < until - now <= datetime.timedelta(days=7, minutes=1)
    assert third.ends_at == person.posting_suspended_until
    assert "third strike in 90 days" in third.facts


def test_strikes_older_than_ninety_days_do_not_count(moderator):
    person = UserFactory.create()
    long_ago = timezone.now() - datetime.timedelta(days=91)
    for _ in range(2):
        services.decision_take(
            actor=moderator, action="strike", facts="Old.", guideline="spam", account=person, now=long_ago
        )
    take(moderator, "strike", account=person)
    person.refresh_from_db()
    assert services.strikes_active(account=person) == 1
    assert person.posting_suspended_until is None


def test_reversing_the_third_strike_lifts_the_posting_suspension_and_uncounts_it(moderator, second_moderator):
    person = UserFactory.create()
    take(moderator, "strike", account=person)
    take(moderator, "strike", account=person)
    third = take(moderator, "strike", account=person)
    appeal = services.appeal_create(appellant=person, decision_id=third.pk, statement="Wrong video.")
    services.appeal_decide(actor=second_moderator, appeal=appeal, reverse_decision=True, reason="Agreed.")
    person.refresh_from_db()
    assert person.posting_suspended_until is None
    assert services.strikes_active(account=person) == 2
    outcome = Notification.objects.filter(kind="appeal").get()
    assert (outcome.title, outcome.body) == ("Your appeal: the decision was reversed", "Agreed.")


def test_a_reversed_removal_restores_the_video(moderator, second_moderator):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    appeal = services.appeal_create(
        appellant=video.owner.user, decision_id=decision.pk, statement="It's art."
    )
    assert appeal.state == "open"
    decided = services.appeal_decide(
        actor=second_moderator, appeal=appeal, reverse_decision=True, reason="Yes."
    )
    assert decided.state == "reversed"
    video.refresh_from_db()
    assert (video.moderation_state, video.moderation_reason) == ("visible", "")
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "appeal.open",
        "appeal.reversed",
        "decision.remove",
    ]


def test_an_upheld_appeal_leaves_the_decision_in_place(moderator, second_moderator):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    appeal = services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="Please.")
    services.appeal_decide(
        actor=second_moderator, appeal=appeal, reverse_decision=False, reason="It is spam."
    )
    video.refresh_from_db()
    decision.refresh_from_db()
    assert (video.moderation_state, decision.reversed_at) == ("removed", None)
    assert Notification.objects.filter(kind="appeal").get().title == "Your appeal: the decision was upheld"


def test_appealing_twice_is_a_conflict_and_writes_nothing(moderator):
    video = published_video()
    decision = take(moderator, "limit", video=video)
    services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="One.")
    with pytest.raises(Conflict, match="already appealed"):
        services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="Two.")
    assert Appeal.objects.get().statement == "One."
    assert AuditEntry.objects.filter(action="appeal.open").count() == 1


def test_appealing_after_180_days_is_a_conflict_and_writes_nothing(moderator):
    video = published_video()
    decision = take(moderator, "limit", video=video)
    late = decision.created_at + datetime.timedelta(days=181)
    with pytest.raises(Conflict, match="180 days"):
        services.appeal_create(
            appellant=video.owner.user, decision_id=decision.pk, statement="Late.", now=late
        )
    assert Appeal.objects.count() == 0


def test_someone_elses_decision_cannot_be_appealed_and_looks_missing(moderator):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    stranger = UserFactory.create()
    with pytest.raises(NotFound):
        services.appeal_create(appellant=stranger, decision_id=decision.pk, statement="Mine now.")
    assert Appeal.objects.count() == 0


def test_a_dismissal_and_an_empty_statement_cannot_be_appealed(moderator):
    video = published_video()
    dismissal = services.decision_take(actor=moderator, action="dismiss", facts="Fine.", video=video)
    with pytest.raises(Conflict, match="nothing to appeal"):
        services.appeal_create(appellant=video.owner.user, decision_id=dismissal.pk, statement="Hm.")
    removal = take(moderator, "remove", video=video)
    with pytest.raises(ValidationError) as error:
        services.appeal_create(appellant=video.owner.user, decision_id=removal.pk, statement="   ")
    assert error.value.messages == ["Tell us why the decision is wrong."]
    assert Appeal.objects.count() == 0


def test_the_moderator_who_decided_cannot_decide_the_appeal(moderator):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    appeal = services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="Unfair.")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=moderator, appeal=appeal, reverse_decision=True, reason="Sure.")
    appeal.refresh_from_db()
    video.refresh_from_db()
    assert (appeal.state, appeal.decided_by, video.moderation_state) == ("open", None, "removed")
    assert Notification.objects.filter(kind="appeal").count() == 0


def test_an_appeal_is_decided_once(moderator, second_moderator):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    appeal = services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="Unfair.")
    services.appeal_decide(actor=second_moderator, appeal=appeal, reverse_decision=False, reason="No.")
    with pytest.raises(Conflict):
        services.appeal_decide(actor=second_moderator, appeal=appeal, reverse_decision=True, reason="Yes.")
    video.refresh_from_db()
    assert video.moderation_state == "removed"


def test_a_suspended_poster_cannot_upload_start_an_upload_or_publish(moderator, clips):
    creator = CreatorFactory.create()
    draft = published_video(owner=creator, state=Video.State.DRAFT, published_at=None)
    User.objects.filter(pk=creator.user_id).update(
        posting_suspended_until=timezone.now() + datetime.timedelta(days=3)
    )
    creator.user.refresh_from_db()
    upload = SimpleUploadedFile("clip.mp4", clips.portrait.read_bytes(), content_type="video/mp4")
    with pytest.raises(Conflict, match="You cannot post until"):
        services.video_upload(owner=creator, upload=upload)
    with pytest.raises(Conflict, match="You cannot post until"):
        services.upload_session_start(owner=creator, filename="clip.mp4", size=1000)
    with pytest.raises(Conflict, match="You cannot post until"):
        services.video_publish(video=draft, start=0.0, end=2.0)
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert Video.objects.count() == 1
    assert UploadSession.objects.count() == 0


def test_posting_is_allowed_again_once_the_suspension_ends():
    creator = CreatorFactory.create()
    User.objects.filter(pk=creator.user_id).update(
        posting_suspended_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    creator.user.refresh_from_db()
    session = services.upload_session_start(owner=creator, filename="clip.mp4", size=1000)
    assert session.size == 1000


# --- the admin: moderators' actions go through the same services ---------------------------------


def test_the_video_admin_removes_with_a_statement_of_reasons(client, moderator):
    video = published_video()
    client.force_login(moderator)
    changelist = reverse("admin:creators_video_changelist")
    form = client.post(changelist, {"action": "decide_remove", "_selected_action": [video.pk]})
    assert "Decide: removed" in form.content.decode()
    assert Decision.objects.count() == 0
    response = client.post(
        changelist,
        {
            "action": "decide_remove",
            "_selected_action": [video.pk],
            "apply": "1",
            "guideline": "dangerous",
            "facts": "Fire stunt.",
        },
        follow=True,
    )
    assert "1 video(s): removed. Each creator was told why." in response.content.decode()
    decision = Decision.objects.get()
    assert (decision.action, decision.guideline, decision.facts, decision.decided_by) == (
        "remove",
        "dangerous",
        "Fire stunt.",
        moderator,
    )
    video.refresh_from_db()
    assert video.moderation_state == "removed"


def test_the_video_admin_needs_a_guideline_and_writes_nothing_without(client, moderator):
    video = published_video()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:creators_video_changelist"),
        {"action": "decide_age_restrict", "_selected_action": [video.pk], "apply": "1", "facts": "Gore."},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    video.refresh_from_db()
    assert (video.is_age_restricted, Decision.objects.count(), AuditEntry.objects.count()) == (False, 0, 0)


def test_the_user_admin_suspends_for_the_days_given(client, moderator):
    person = UserFactory.create()
    client.force_login(moderator)
    client.post(
        reverse("admin:platform_user_changelist"),
        {
            "action": "account_suspend",
            "_selected_action": [person.pk],
            "apply": "1",
            "guideline": "harassment",
            "facts": "Threats.",
            "days": "10",
        },
    )
    person.refresh_from_db()
    assert person.suspended_until is not None
    assert 9 <= (person.suspended_until - timezone.now()).days <= 10
    assert Decision.objects.get().action == "suspend"


def test_the_user_admin_keeps_the_platform_actions_and_adds_strikes(client, moderator):
    person = UserFactory.create()
    client.force_login(moderator)
    html = client.get(reverse("admin:platform_user_changelist")).content.decode()
    assert 'value="verify_publishers"' in html
    assert 'value="account_warn"' in html
    client.post(
        reverse("admin:platform_user_changelist"),
        {
            "action": "account_strike",
            "_selected_action": [person.pk],
            "apply": "1",
            "guideline": "spam",
            "facts": "Bots.",
        },
    )
    assert services.strikes_active(account=person) == 1


def test_the_appeal_admin_refuses_the_deciding_moderator_with_a_message_and_nothing_written(
    client, moderator
):
    video = published_video()
    decision = take(moderator, "remove", video=video)
    appeal = services.appeal_create(appellant=video.owner.user, decision_id=decision.pk, statement="Unfair.")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:creators_appeal_changelist"),
        {"action": "reverse", "_selected_action": [appeal.pk], "apply": "1", "reason": "Fine."},
        follow=True,
    )
    assert "A different moderator must decide the appeal of your own decision." in response.content.decode()
    appeal.refresh_from_db()
    video.refresh_from_db()
    assert (appeal.state, video.moderation_state) == ("open", "removed")
    assert not AuditEntry.objects.filter(action__startswith="appeal.rev").exists()


def test_the_appeal_queue_lists_open_appeals_first(client, moderator, second_moderator):
    first_video, second_video = published_video(), published_video()
    old = services.appeal_create(
        appellant=first_video.owner.user,
        decision_id=take(moderator, "remove", video=first_video).pk,
        statement="A.",
    )
    services.appeal_decide(actor=second_moderator, appeal=old, reverse_decision=False, reason="No.")
    new = services.appeal_create(
        appellant=second_video.owner.user,
        decision_id=take(moderator, "limit", video=second_video).pk,
        statement="B.",
    )
    client.force_login(second_moderator)
    response = client.get(reverse("admin:creators_appeal_changelist"))
    assert [row.pk for row in response.context["cl"].result_list] == [new.pk, old.pk]


def test_decisions_are_read_only_in_the_admin(client, moderator):
    decision = take(moderator, "remove", video=published_video())
    client.force_login(moderator)
    listing = client.get(reverse("admin:creators_decision_changelist"), {"action__exact": "remove"})
    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 1
    client.post(
        reverse("admin:creators_decision_change", args=[decision.pk]), {"action": "dismiss", "facts": "x"}
    )
    decision.refresh_from_db()
    assert decision.action == "remove"
    assert client.get(reverse("admin:creators_decision_add")).status_code == 403
