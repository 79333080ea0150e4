"""Reports on videos and accounts: one per reporter and target, throttled per reporter on the page and the
API alike; deciding them takes one decision per target and tells every reporter the outcome."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from creators.models import Decision, Report, Video
from creators.trust.reports import report_create, reports_decide
from platform.models import AuditEntry, Notification
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory.create(is_staff=True, is_superuser=True)


def report_video(user, video, reason="spam"):
    return report_create(
        viewer=viewer_for_user(user), video_public_id=video.public_id, reason=reason, detail=""
    )


def report_account(user, profile, reason="harassment"):
    return report_create(viewer=viewer_for_user(user), handle=profile.handle, reason=reason)


# --- making reports ---------------------------------------------------------------------------------


def test_reporting_a_video_a_hundred_times_leaves_one_report(settings):
    # A rate high enough for a hundred attempts, so that only the one-report rule is at work.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "reports": "1000/hour",
        },
    }
    video = published_video()
    reporter = UserFactory.create()
    for reason in ["spam", "harassment"] * 50:
        report_video(reporter, video, reason)
    report = Report.objects.get()
    assert (report.video_id, report.reporter_id, report.reason) == (video.pk, reporter.pk, "harassment")


def test_reporting_through_the_api_twice_leaves_one_report(api_client):
    video = published_video()
    api_client.force_authenticate(UserFactory.create())
    for reason in ("spam", "dangerous"):
        response = api_client.post(
            "/api/v1/reports", {"video": str(video.public_id), "reason": reason}, format="json"
        )
        assert response.status_code == 201
    assert list(Report.objects.values_list("reason", flat=True)) == ["dangerous"]


def test_an_account_is_reported_through_the_api_by_handle(api_client):
    profile = CreatorFactory.create(handle="loud_one")
    reporter = UserFactory.create()
    api_client.force_authenticate(reporter)
    response = api_client.post(
        "/api/v1/reports", {"profile": "@loud_one", "reason": "harassment"}, format="json"
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert (report.profile_id, report.video_id, report.reason) == (profile.pk, None, "harassment")


def test_a_report_names_one_target_and_a_known_reason(api_client):
    video = published_video()
    api_client.force_authenticate(UserFactory.create())
    both = api_client.post(
        "/api/v1/reports",
        {"video": str(video.public_id), "profile": video.owner.handle, "reason": "spam"},
        format="json",
    )
    assert both.status_code == 400
    assert both.json() == {"detail": "Report one video, one comment or one account.", "code": "invalid"}
    neither = api_client.post("/api/v1/reports", {"reason": "spam"}, format="json")
    assert neither.status_code == 400
    wrong = api_client.post(
        "/api/v1/reports", {"profile": video.owner.handle, "reason": "rude"}, format="json"
    )
    assert wrong.status_code == 400
    assert "reason" in wrong.json()
    missing = api_client.post("/api/v1/reports", {"profile": "nobody_here", "reason": "spam"}, format="json")
    assert missing.status_code == 404
    assert Report.objects.count() == 0


def test_nobody_reports_their_own_account(api_client):
    profile = CreatorFactory.create()
    api_client.force_authenticate(profile.user)
    response = api_client.post(
        "/api/v1/reports", {"profile": profile.handle, "reason": "spam"}, format="json"
    )
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_the_profile_page_offers_report_account_to_others_only(client):
    profile = CreatorFactory.create()
    client.force_login(UserFactory.create())
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "Report account" in html
    assert f'action="/@{profile.handle}/report"' in html
    assert '<option value="minor_safety">Child safety</option>' in html
    client.force_login(profile.user)
    assert "Report account" not in client.get(profile.get_absolute_url()).content.decode()


def test_the_report_account_form_reports_once(client):
    profile = CreatorFactory.create()
    reporter = UserFactory.create()
    client.force_login(reporter)
    for _ in range(3):
        response = client.post(
            f"/@{profile.handle}/report", {"reason": "spam", "detail": "Bot."}, follow=True
        )
    assert f"Thanks — a moderator will review @{profile.handle}." in response.content.decode()
    report = Report.objects.get()
    assert (report.profile_id, report.reporter_id, report.detail, report.viewer_key) == (
        profile.pk,
        reporter.pk,
        "Bot.",
        f"u:{reporter.pk}",
    )


def test_the_report_account_form_refuses_a_bad_reason_and_anonymous_visitors(client):
    profile = CreatorFactory.create()
    response = client.post(f"/@{profile.handle}/report", {"reason": "spam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(UserFactory.create())
    response = client.post(f"/@{profile.handle}/report", {"reason": ""}, follow=True)
    assert "Choose a reason." in response.content.decode()
    assert Report.objects.count() == 0


def test_the_31st_report_in_an_hour_is_refused_on_the_page_with_nothing_written(client):
    reporter = UserFactory.create()
    profiles = CreatorFactory.create_batch(31)
    client.force_login(reporter)
    for profile in profiles[:30]:
        client.post(f"/@{profile.handle}/report", {"reason": "spam"})
    assert Report.objects.count() == 30
    response = client.post(f"/@{profiles[30].handle}/report", {"reason": "spam"}, follow=True)
    assert "You have sent a lot of reports in a short time." in response.content.decode()
    assert Report.objects.count() == 30
    assert not Report.objects.filter(profile=profiles[30]).exists()


def test_the_page_and_the_api_share_one_budget_of_reports(client, api_client, settings):
    reporter = UserFactory.create()
    profiles = CreatorFactory.create_batch(31)
    client.force_login(reporter)
    for profile in profiles[:30]:
        client.post(f"/@{profile.handle}/report", {"reason": "spam"})
    api_client.force_authenticate(reporter)
    response = api_client.post(
        "/api/v1/reports", {"profile": profiles[30].handle, "reason": "spam"}, format="json"
    )
    assert response.status_code == 429
    assert Report.objects.count() == 30


# --- deciding them ------------------------------------------------------------------------------


def test_a_removal_tells_every_reporter_once_and_the_creator_why(moderator):
    video = published_video(caption="Free money here")
    first, second = UserFactory.create(), UserFactory.create()
    report_video(first, video, "spam")
    report_video(second, video, "spam")
    decided = reports_decide(
        actor=moderator,
        report_ids=Report.objects.values_list("pk", flat=True),
        decision="remove",
        note="Scam.",
    )
    decision = Decision.objects.get()
    assert {report.decision_id for report in decided} == {decision.pk}
    assert all(report.decided_at == decision.created_at for report in decided)
    assert (decision.action, decision.guideline, decision.facts) == ("remove", "spam", "Scam.")
    outcomes = Notification.objects.filter(kind="report_outcome").order_by("user_id")
    assert [note.user_id for note in outcomes] == [first.pk, second.pk]
    assert outcomes[0].body == (
        f"We reviewed your report about the video “Free money here” by @{video.owner.handle}: we removed the video."
    )
    creator_note = Notification.objects.get(kind="decision")
    assert creator_note.user_id == video.owner.user_id


def test_a_dismissal_tells_the_reporters_and_not_the_creator(moderator):
    video = published_video()
    reporter = UserFactory.create()
    report = report_video(reporter, video)
    reports_decide(actor=moderator, report_ids=[report.pk], decision="dismiss")
    decision = Decision.objects.get()
    assert (decision.action, decision.appeal_until) == ("dismiss", None)
    assert Notification.objects.get().user_id == reporter.pk
    assert "we found no breach of our community guidelines" in Notification.objects.get().body
    assert Video.objects.get().moderation_state == "visible"


def test_the_moderator_may_pick_the_guideline(moderator):
    video = published_video()
    report = report_video(UserFactory.create(), video, "spam")
    reports_decide(
        actor=moderator,
        report_ids=[report.pk],
        decision="label_unverified",
        note="Claims.",
        guideline="misinformation",
    )
    video.refresh_from_db()
    assert video.is_unverified is True
    assert Decision.objects.get().guideline == "misinformation"


def test_facts_are_required_except_to_dismiss(moderator):
    report = report_video(UserFactory.create(), published_video())
    with pytest.raises(ValidationError) as error:
        reports_decide(actor=moderator, report_ids=[report.pk], decision="age_restrict", note=" ")
    assert error.value.message_dict == {"note": ["Say what was found: the person reads it."]}
    report.refresh_from_db()
    assert (report.status, report.decision_id) == ("open", None)
    assert Decision.objects.count() == Notification.objects.count() == AuditEntry.objects.count() == 0


@pytest.mark.parametrize("action", ["warning", "strike", "suspend"])
def test_account_reports_are_decided_with_account_actions(moderator, action):
    profile = CreatorFactory.create(handle="rude_one")
    reporter = UserFactory.create()
    report = report_account(reporter, profile)
    reports_decide(actor=moderator, report_ids=[report.pk], decision=action, note="Insults.", suspend_days=3)
    decision = Decision.objects.get()
    assert (decision.account_id, decision.video_id, decision.guideline) == (
        profile.user_id,
        None,
        "harassment",
    )
    profile.user.refresh_from_db()
    assert (profile.user.suspended_until is not None) == (action == "suspend")
    body = Notification.objects.get(kind="report_outcome").body
    assert body.startswith("We reviewed your report about the account @rude_one: ")


def test_a_video_decision_on_an_account_report_is_refused_with_nothing_written(moderator):
    report = report_account(UserFactory.create(), CreatorFactory.create())
    video_report = report_video(UserFactory.create(), published_video())
    with pytest.raises(ValidationError, match="about a video, not an account"):
        reports_decide(actor=moderator, report_ids=[video_report.pk, report.pk], decision="remove", note="x")
    assert Decision.objects.count() == Notification.objects.count() == 0
    assert set(Report.objects.values_list("status", flat=True)) == {"open"}
    assert Video.objects.get().moderation_state == "visible"


def test_the_report_admin_suspends_a_reported_account_for_the_days_given(client, moderator):
    profile = CreatorFactory.create()
    report = report_account(UserFactory.create(), profile)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:creators_report_changelist"),
        {
            "action": "suspend_accounts",
            "_selected_action": [report.pk],
            "apply": "1",
            "facts": "Threats.",
            "days": "3",
        },
        follow=True,
    )
    assert "1 report decided (account suspended) on 1 target." in response.content.decode()
    decision = Decision.objects.get()
    assert decision.ends_at is not None
    assert (decision.ends_at - decision.created_at).days == 3


def test_the_report_admin_asks_again_without_facts_and_writes_nothing(client, moderator):
    report = report_video(UserFactory.create(), published_video())
    client.force_login(moderator)
    response = client.post(
        reverse("admin:creators_report_changelist"),
        {"action": "remove_videos", "_selected_action": [report.pk], "apply": "1", "facts": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Decision.objects.count() == 0
    assert Video.objects.get().moderation_state == "visible"
