"""Moderating comments like videos: a viewer reports a comment, moderators see it in the admin's queue and
remove it with a statement of reasons (through ``decision_take``), the author is told and appeals, a
different moderator reverses it and the comment is back, counted on its video again. Refusals write nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from creators.comments import services as comment_services
from creators.comments.models import Comment
from creators.models import Appeal, Decision, Report, Video, WatchedWord
from creators.trust import decisions
from creators.trust.reports import reports_decide
from creators.trust.transparency import transparency_months, transparency_rows
from creators.trust.watched_words import watched_word_save
from platform.blocking import block_create
from platform.models import AuditEntry, Notification
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def world():
    creator = CreatorFactory.create(handle="cleo_bakes")
    video = published_video(owner=creator, caption="Sourdough at dawn")
    author = CreatorFactory.create(handle="rude_rita").user
    comment = comment_services.comment_post(author=author, video=video, text="You are <b>awful</b> at this")
    return {
        "video": video,
        "author": author,
        "comment": comment,
        "reporter": UserFactory.create(),
        "moderator": UserFactory.create(is_staff=True, is_superuser=True),
        "other_moderator": UserFactory.create(is_staff=True, is_superuser=True),
    }


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def report_url(comment_id: int) -> str:
    return reverse("api-comment-report", args=[comment_id])


def comment_count(video: Video) -> int:
    return Video.objects.get(pk=video.pk).comment_count


def audit_actions() -> list[str]:
    return sorted(AuditEntry.objects.values_list("action", flat=True))


def nothing_written() -> None:
    assert not Report.objects.exists()
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.exists()


def admin_action(client, model: str, action: str, pks: list[int], **form: str):
    """Run an admin action on ``pks``; with ``form``, answer its statement-of-reasons page too."""
    url = reverse(f"admin:creators_{model}_changelist")
    data: dict[str, object] = {"action": action, "_selected_action": [str(pk) for pk in pks], "index": "0"}
    if form:
        data |= {"apply": "1", **form}
    return client.post(url, data)


def test_report_remove_with_reasons_appeal_and_reverse(client, world):
    comment, video, author = world["comment"], world["video"], world["author"]
    assert comment_count(video) == 1

    # A viewer reports it; reporting again is the same one report (as for videos), its reason replaced.
    reporter_api = api_as(world["reporter"])
    first = reporter_api.post(report_url(comment.pk), {"reason": "spam"}, format="json")
    assert first.status_code == 201
    assert first.json() == {"detail": "Thanks — a moderator will review it."}
    again = reporter_api.post(
        report_url(comment.pk), {"reason": "harassment", "detail": "Mean to the baker."}, format="json"
    )
    assert again.status_code == 201
    report = Report.objects.get()
    assert (report.comment_id, report.video_id, report.profile_id) == (comment.pk, None, None)
    assert (report.reason, report.detail, report.reporter_id) == (
        "harassment",
        "Mean to the baker.",
        world["reporter"].pk,
    )

    # The queue on the admin's home, beside the reported videos; the comment's words escaped.
    client.force_login(world["moderator"])
    home = client.get(reverse("admin:index"))
    queues = {queue.title: queue for queue in home.context["moderation_queues"]}
    assert queues["Reported comments"].count == 1
    assert queues["Reported comments"].oldest == report.created_at
    listed = client.get(queues["Reported comments"].url)
    assert [row.pk for row in listed.context["cl"].result_list] == [comment.pk]
    html = listed.content.decode()
    assert "You are &lt;b&gt;awful&lt;/b&gt; at this" in html
    assert "<b>awful</b>" not in html
    assert reverse("admin:creators_video_change", args=[video.pk]) in html
    assert "@rude_rita" in html
    assert "Harassment or hate" in html
    detail = client.get(reverse("admin:creators_reportedcomment_change", args=[comment.pk])).content.decode()
    assert "Mean to the baker." in detail
    assert "&lt;b&gt;awful&lt;/b&gt;" in detail

    # "Remove…" first asks for the statement of reasons, then decides through decision_take.
    step = admin_action(client, "reportedcomment", "remove", [comment.pk])
    assert step.status_code == 200
    assert "statement of reasons" in step.content.decode()
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.VISIBLE
    done = admin_action(
        client,
        "reportedcomment",
        "remove",
        [comment.pk],
        guideline="harassment",
        facts="Insults the creator; nothing about the video.",
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.REMOVED
    assert comment_count(video) == 0
    decision = Decision.objects.get()
    assert (decision.comment_id, decision.video_id, decision.account_id) == (comment.pk, None, author.pk)
    assert (decision.action, decision.guideline, decision.source) == ("remove", "harassment", "report")
    assert decision.decided_by == world["moderator"]
    assert decision.appeal_until is not None
    report.refresh_from_db()
    assert (report.status, report.decision_id) == ("resolved", decision.pk)
    assert audit_actions() == ["decision.remove", "report.resolved"]
    assert AuditEntry.objects.get(action="decision.remove").detail == {
        "video": None,
        "comment": comment.pk,
        "account": author.pk,
        "guideline": "harassment",
        "source": "report",
    }
    assert client.get(reverse("admin:index")).context["moderation_queues"][1].count == 0

    # The author is told why, and how to appeal; the reporter is told the outcome.
    told = Notification.objects.get(user=author, kind=Kind.DECISION)
    assert told.title == "Your comment: removed"
    assert "You are <b>awful</b> at this" in told.body
    assert "Harassment or hate" in told.body
    assert "Insults the creator" in told.body
    assert "You can appeal until" in told.body
    assert told.url == decision.get_absolute_url()
    outcome = Notification.objects.get(user=world["reporter"], kind=Kind.REPORT_OUTCOME)
    assert outcome.body.endswith("we removed the comment.")

    # The decision's page and the API show the comment; the author appeals.
    client.force_login(author)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Decision about your comment" in page
    assert "You are &lt;b&gt;awful&lt;/b&gt; at this" in page
    author_api = api_as(author)
    shown = author_api.get(reverse("api-decision", args=[decision.pk])).json()
    assert shown["comment"] == {"id": comment.pk, "text": comment.text, "video": str(video.public_id)}
    assert shown["video"] is None
    appealed = author_api.post(
        reverse("api-decision-appeal", args=[decision.pk]), {"statement": "It was a joke between friends."}
    )
    assert appealed.status_code == 201
    appeal = Appeal.objects.get()

    # The moderator who removed it may not decide the appeal; another moderator reverses it.
    client.force_login(world["moderator"])
    refused = admin_action(client, "appeal", "reverse", [appeal.pk], reason="Fine.")
    assert refused.status_code == 302
    assert Appeal.objects.get().state == Appeal.State.OPEN
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.REMOVED
    client.force_login(world["other_moderator"])
    reversed_ = admin_action(
        client, "appeal", "reverse", [appeal.pk], reason="Banter between friends, not harassment."
    )
    assert reversed_.status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE
    assert comment_count(video) == 1  # counted on its video again
    decision.refresh_from_db()
    assert decision.reversed_at is not None
    assert Appeal.objects.get().state == Appeal.State.REVERSED
    assert audit_actions() == ["appeal.open", "appeal.reversed", "decision.remove", "report.resolved"]
    assert Notification.objects.get(user=author, kind=Kind.APPEAL).title == (
        "Your appeal: the decision was reversed"
    )
    # Everyone sees it again.
    listed = APIClient().get(reverse("api-video-comments", args=[video.public_id])).json()
    assert [item["id"] for item in listed["results"]] == [comment.pk]


def test_a_reporter_who_cannot_see_the_comment_gets_404_and_nothing_is_written(world):
    comment, author = world["comment"], world["author"]
    blocked = UserFactory.create()
    block_create(blocker=author, blocked=blocked)
    assert api_as(blocked).post(report_url(comment.pk), {"reason": "spam"}, format="json").status_code == 404
    # Nor its blocker's, the other way round.
    blocker = UserFactory.create()
    block_create(blocker=blocker, blocked=author)
    assert api_as(blocker).post(report_url(comment.pk), {"reason": "spam"}, format="json").status_code == 404
    # A comment nobody else sees: hidden by the creator, or held by a watched word.
    comment_services.comment_hide(creator=world["video"].owner.user, comment=comment)
    response = api_as(world["reporter"]).post(report_url(comment.pk), {"reason": "spam"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such comment.", "code": "not_found"}
    assert (
        api_as(world["reporter"]).post(report_url(10**9), {"reason": "spam"}, format="json").status_code
        == 404
    )
    nothing_written()


def test_a_comment_on_a_private_video_cannot_be_reported(world):
    Video.objects.filter(pk=world["video"].pk).update(visibility="private")
    response = api_as(world["reporter"]).post(
        report_url(world["comment"].pk), {"reason": "spam"}, format="json"
    )
    assert response.status_code == 404
    nothing_written()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "rude"}, "reason"),
        ({"reason": "spam", "detail": "x" * 501}, "detail"),
        ({"reason": "spam", "detail": "bad\x00"}, "detail"),
    ],
)
def test_bad_report_input_is_refused_and_nothing_is_written(world, body, field):
    response = api_as(world["reporter"]).post(report_url(world["comment"].pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    nothing_written()


def test_the_author_cannot_report_their_own_comment(world):
    response = api_as(world["author"]).post(
        report_url(world["comment"].pk), {"reason": "spam"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "You can't report your own comment."
    nothing_written()


def test_an_anonymous_viewer_may_report_a_public_comment_once(world):
    client = APIClient()
    for reason in ("spam", "harassment"):
        assert (
            client.post(report_url(world["comment"].pk), {"reason": reason}, format="json").status_code == 201
        )
    report = Report.objects.get()
    assert (report.reporter_id, report.reason) == (None, "harassment")


def test_decisions_that_do_not_fit_a_comment_write_nothing(world):
    comment, moderator = world["comment"], world["moderator"]
    refusals = [  # (action, guideline, facts)
        ("limit", "spam", "x"),
        ("strike", "spam", "x"),
        ("remove", "", "Insults."),  # no guideline for what is held against the author
        ("remove", "spam", "   "),  # no facts
        ("remove", "nonsense", "x"),
    ]
    for action, guideline, facts in refusals:
        with pytest.raises(ValidationError):
            decisions.decision_take(
                actor=moderator, comment=comment, action=action, guideline=guideline, facts=facts
            )
    with pytest.raises(ValidationError):
        decisions.decision_take(
            actor=moderator,
            action="remove",
            guideline="spam",
            facts="x",
            comment=comment,
            video=world["video"],
        )
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.VISIBLE
    assert comment_count(world["video"]) == 1
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.filter(kind=Kind.DECISION).exists()


def test_video_decisions_on_comment_reports_are_refused_and_nothing_is_written(world):
    report = Report.objects.create(comment=world["comment"], viewer_key="a:1", reason="spam")
    for decision in ("limit", "age_restrict", "warning"):
        with pytest.raises(ValidationError):
            reports_decide(actor=world["moderator"], report_ids=[report.pk], decision=decision, note="x")
    with pytest.raises(ValidationError) as refused:
        reports_decide(
            actor=world["moderator"], report_ids=[report.pk], decision="remove", note="x", target="video"
        )
    assert refused.value.message_dict == {"decision": ["That decision is about a video, not a comment."]}
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert Comment.objects.get(pk=world["comment"].pk).state == Comment.State.VISIBLE
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_admin_form_without_facts_writes_nothing(client, world):
    Report.objects.create(comment=world["comment"], viewer_key="a:1", reason="spam")
    client.force_login(world["moderator"])
    response = admin_action(
        client, "reportedcomment", "remove", [world["comment"].pk], guideline="spam", facts=""
    )
    assert response.status_code == 200
    assert response.context["form"].errors["facts"]
    assert Comment.objects.get(pk=world["comment"].pk).state == Comment.State.VISIBLE
    assert Report.objects.get().status == Report.Status.OPEN
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.exists()


def test_dismissing_the_reports_leaves_the_comment_and_tells_the_reporter(client, world):
    Report.objects.create(
        comment=world["comment"], viewer_key="u:1", reason="spam", reporter=world["reporter"]
    )
    client.force_login(world["moderator"])
    assert (
        admin_action(client, "reportedcomment", "dismiss", [world["comment"].pk], facts="").status_code == 302
    )
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert Comment.objects.get(pk=world["comment"].pk).state == Comment.State.VISIBLE
    assert Decision.objects.get().action == "dismiss"
    assert not Notification.objects.filter(user=world["author"], kind=Kind.DECISION).exists()
    outcome = Notification.objects.get(user=world["reporter"], kind=Kind.REPORT_OUTCOME)
    assert "we found no breach" in outcome.body


def test_removing_from_the_reports_list_names_comments(client, world):
    report = Report.objects.create(comment=world["comment"], viewer_key="u:1", reason="spam")
    client.force_login(world["moderator"])
    listed = client.get(reverse("admin:creators_report_changelist")).content.decode()
    assert "comment “You are &lt;b&gt;awful&lt;/b&gt; at this”" in listed
    response = admin_action(client, "report", "remove_comments", [report.pk], guideline="spam", facts="Spam.")
    assert response.status_code == 302
    assert Comment.objects.get(pk=world["comment"].pk).state == Comment.State.REMOVED
    decisions_list = client.get(reverse("admin:creators_decision_changelist")).content.decode()
    assert "Comment removed (spam or scam)" in decisions_list


def test_a_comment_a_watched_word_held_waits_in_the_review_queue(client, world):
    watched_word_save(actor=None, word=WatchedWord(phrase="miracle cure"))
    video, viewer = world["video"], UserFactory.create()
    held = comment_services.comment_post(author=viewer, video=video, text="Try my miracle cure tea")
    fine = comment_services.comment_post(author=viewer, video=video, text="A miracle cure, said nobody")
    assert (held.state, fine.state) == (Comment.State.PENDING, Comment.State.PENDING)
    assert comment_count(video) == 1
    client.force_login(world["moderator"])
    queues = {queue.title: queue for queue in client.get(reverse("admin:index")).context["moderation_queues"]}
    assert queues["Comments held by a watched word"].count == 2
    listed = client.get(queues["Comments held by a watched word"].url)
    assert sorted(row.pk for row in listed.context["cl"].result_list) == sorted([held.pk, fine.pk])
    assert "miracle cure" in listed.content.decode()

    # Let one through: visible and counted; nothing held against the author, so nothing to tell or appeal.
    assert admin_action(client, "reviewcomment", "looks_fine", [fine.pk]).status_code == 302
    assert Comment.objects.get(pk=fine.pk).state == Comment.State.VISIBLE
    assert comment_count(video) == 2
    cleared = Decision.objects.get(comment=fine)
    assert (cleared.action, cleared.source, cleared.appeal_until) == ("review_clear", "watched_words", None)
    assert not Notification.objects.filter(user=viewer, kind=Kind.DECISION).exists()

    # Remove the other with reasons: the author is told and may appeal.
    response = admin_action(
        client, "reviewcomment", "remove", [held.pk], guideline="misinformation", facts="Sells a fake cure."
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=held.pk).state == Comment.State.REMOVED
    assert comment_count(video) == 2
    removed = Decision.objects.get(comment=held)
    assert (removed.action, removed.source) == ("remove", "watched_words")
    assert Notification.objects.get(user=viewer, kind=Kind.DECISION).title == "Your comment: removed"
    assert client.get(queues["Comments held by a watched word"].url).context["cl"].result_count == 0

    # Reversed on appeal, a comment that was pending comes back visible (a moderator found it fine).
    appeal = decisions.appeal_create(
        appellant=viewer, decision_id=removed.pk, statement="Herbal tea is legal."
    )
    decisions.appeal_decide(
        actor=world["other_moderator"], appeal=appeal, reverse_decision=True, reason="OK."
    )
    assert Comment.objects.get(pk=held.pk).state == Comment.State.VISIBLE
    assert comment_count(video) == 3


def test_a_comment_the_author_deleted_after_removal_stays_deleted_when_reversed(world):
    removed = decisions.decision_take(
        actor=world["moderator"], action="remove", guideline="spam", facts="Spam.", comment=world["comment"]
    )
    comment_services.comment_delete(
        actor=world["author"], comment=Comment.objects.get(pk=world["comment"].pk)
    )
    appeal = decisions.appeal_create(appellant=world["author"], decision_id=removed.pk, statement="Please.")
    with pytest.raises(PermissionDenied):
        decisions.appeal_decide(actor=world["moderator"], appeal=appeal, reverse_decision=True, reason="x")
    decisions.appeal_decide(
        actor=world["other_moderator"], appeal=appeal, reverse_decision=True, reason="OK."
    )
    assert Comment.objects.get(pk=world["comment"].pk).state == Comment.State.DELETED
    assert comment_count(world["video"]) == 0


def test_transparency_counts_decisions_and_reports_on_comments(client, world):
    Report.objects.create(comment=world["comment"], viewer_key="u:1", reason="spam")
    Report.objects.create(video=world["video"], viewer_key="u:1", reason="spam")
    decisions.decision_take(
        actor=world["moderator"], action="remove", guideline="spam", facts="Spam.", comment=world["comment"]
    )
    decisions.decision_take(
        actor=world["moderator"], action="limit", guideline="spam", facts="Spam.", video=world["video"]
    )
    (month,) = transparency_months()
    assert (month.reports_on_videos, month.reports_on_comments, month.reports_on_accounts) == (1, 1, 0)
    assert (month.decisions_on_videos, month.decisions_on_comments, month.decisions_on_accounts) == (1, 1, 0)
    rows = {(measure, breakdown): value for _, measure, breakdown, value in transparency_rows([month])}
    assert rows[("decisions", "on comments")] == "1"
    assert rows[("reports", "on comments")] == "1"
    client.force_login(world["moderator"])
    page = client.get(reverse("admin-transparency")).content.decode()
    assert '<span data-testid="decisions-on-comments">1</span> on comments' in page
    assert '<span data-testid="reports-on-comments">1</span> on comments' in page


def test_one_report_per_viewer_and_comment_is_a_database_rule(world):
    from django.db import IntegrityError, transaction

    Report.objects.create(comment=world["comment"], viewer_key="u:1", reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=world["comment"], viewer_key="u:1", reason="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=world["comment"], video=world["video"], viewer_key="u:2", reason="spam")
    assert Report.objects.count() == 1


def test_your_data_names_the_comment_a_decision_or_a_report_is_about(world):
    import json

    from creators.personal_data import creators_export
    from feeds.personal_data import feeds_export

    Report.objects.create(
        comment=world["comment"],
        viewer_key=f"u:{world['reporter'].pk}",
        reporter=world["reporter"],
        reason="spam",
    )
    decisions.decision_take(
        actor=world["moderator"], action="remove", guideline="spam", facts="Spam.", comment=world["comment"]
    )

    def read(files, name: str):
        content = dict(files)[name]
        assert isinstance(content, bytes)
        return json.loads(content)

    (decided,) = read(creators_export(world["author"]), "decisions.json")
    assert decided["comment"] == {"text": world["comment"].text, "video": str(world["video"].public_id)}
    (reported,) = read(feeds_export(world["reporter"]), "reports.json")
    assert (reported["comment"], reported["video"], reported["profile"]) == (world["comment"].pk, None, None)
