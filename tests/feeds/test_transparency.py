"""The transparency figures: exact numbers for a seeded month, the admin page and its CSV, who may see them,
what they cost, and the demo's moderation history."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from creators import services as creator_services
from creators.models import Appeal, Decision, Report
from creators.trust.transparency import months_start, transparency_months, transparency_rows
from platform.models import AuditEntry
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

Action = Decision.Action


@pytest.fixture
def month():
    """Last month (UTC), seeded: four reports, four decisions (one automated), an appeal reversed."""
    start = months_start(months=2)
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    other_staff = UserFactory.create(is_staff=True, is_superuser=True)
    spammy, dubious, automated = published_video(), published_video(), published_video()
    account = CreatorFactory.create()

    def at(hours: float) -> datetime.datetime:
        return start + datetime.timedelta(hours=hours)

    def report(reason: str, created: float, **target) -> Report:
        return Report.objects.create(
            reason=reason, viewer_key=f"u:{Report.objects.count()}", created_at=at(created), **target
        )

    spam = report("spam", 0, video=spammy)
    misinformation = [report("misinformation", 0, video=dubious), report("spam", 1, video=dubious)]
    report("harassment", 5, profile=account)  # still open
    limit = creator_services.decision_take(
        actor=staff, action=Action.LIMIT, facts="Spam links.", guideline="spam", video=spammy, now=at(2)
    )
    label = creator_services.decision_take(
        actor=staff,
        action=Action.LABEL_UNVERIFIED,
        facts="No source.",
        guideline="misinformation",
        video=dubious,
        now=at(4),
    )
    auto = creator_services.decision_take(
        actor=None,
        action=Action.LIMIT,
        facts="Matched a watched phrase.",
        guideline="misinformation",
        video=automated,
        now=at(6),
    )
    creator_services.decision_take(
        actor=staff,
        action=Action.WARNING,
        facts="Rude bio.",
        guideline="harassment",
        account=account.user,
        now=at(7),
    )
    Report.objects.filter(pk=spam.pk).update(decision=limit, decided_at=at(2))  # 2 h
    Report.objects.filter(pk=misinformation[0].pk).update(decision=label, decided_at=at(4))  # 4 h
    Report.objects.filter(pk=misinformation[1].pk).update(decision=label, decided_at=at(11))  # 10 h
    appeal = creator_services.appeal_create(
        appellant=automated.owner.user, decision_id=auto.pk, statement="It was a joke.", now=at(24)
    )
    creator_services.appeal_decide(
        actor=other_staff, appeal=appeal, reverse_decision=True, reason="Agreed.", now=at(48)
    )
    # Long before the window: not counted.
    Report.objects.create(
        reason="spam",
        viewer_key="u:old",
        video=spammy,
        created_at=months_start(months=14),
    )
    return start.date()


def test_a_seeded_month_has_exact_figures(month):
    figures = transparency_months()
    assert [item.month for item in figures] == [month]
    item = figures[0]
    assert item.reports == 4
    assert (item.reports_on_videos, item.reports_on_accounts) == (3, 1)
    assert dict(item.reports_by_reason) == {"spam": 2, "misinformation": 1, "harassment": 1}
    assert item.decisions == 4
    assert dict(item.decisions_by_action) == {"limit": 2, "label_unverified": 1, "warning": 1}
    assert dict(item.decisions_by_guideline) == {"spam": 1, "misinformation": 2, "harassment": 1}
    assert (item.automated, item.automated_share, item.automated_percent) == (1, 0.25, 25)
    assert item.median_hours_to_decision == 4.0
    assert (item.appeals, dict(item.appeals_by_state), item.reversals) == (1, {"reversed": 1}, 1)


def test_the_figures_cost_five_queries_whatever_the_rows(month, django_assert_num_queries):
    for _ in range(5):
        Report.objects.create(
            reason="other", viewer_key=f"u:more{Report.objects.count()}", video=published_video()
        )
    with django_assert_num_queries(5):
        figures = transparency_months()
    assert sum(item.reports for item in figures) == 9


def test_the_csv_rows_for_a_month(month):
    rows = transparency_rows(transparency_months())
    key = month.strftime("%Y-%m")
    assert rows == [
        (key, "reports", "total", "4"),
        (key, "reports", "on videos", "3"),
        (key, "reports", "on accounts", "1"),
        (key, "reports", "on comments", "0"),
        (key, "reports by reason", "Spam or scam", "2"),
        (key, "reports by reason", "False information", "1"),
        (key, "reports by reason", "Harassment or hate", "1"),
        (key, "decisions", "total", "4"),
        (key, "decisions", "on videos", "3"),
        (key, "decisions", "on accounts", "1"),
        (key, "decisions", "on comments", "0"),
        (key, "decisions by action", "Not recommended", "2"),
        (key, "decisions by action", "Labelled: unverified claims", "1"),
        (key, "decisions by action", "Warning", "1"),
        (key, "decisions by guideline", "False information", "2"),
        (key, "decisions by guideline", "Harassment or hate", "1"),
        (key, "decisions by guideline", "Spam or scam", "1"),
        (key, "decisions", "automated share", "0.250"),
        (key, "reports", "median hours to decision", "4.0"),
        (key, "appeals", "total", "1"),
        (key, "appeals", "reversals", "1"),
    ]


def staff_who_may_view_decisions():
    user = UserFactory.create(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_decision", content_type__app_label="creators")
    )
    return user


def test_the_admin_page_shows_the_month(client, month):
    client.force_login(staff_who_may_view_decisions())
    response = client.get(reverse("admin-transparency"))
    assert response.status_code == 200
    body = response.content.decode()
    assert month.strftime("%B %Y") in body
    assert '<strong data-testid="reports">4</strong>' in body
    assert '<strong data-testid="automated-share">1 (25%)</strong>' in body
    assert '<strong data-testid="median-hours">4.0 h</strong>' in body
    assert '<strong data-testid="reversals">1</strong>' in body
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin-transparency") in index


def test_the_csv_download(client, month):
    client.force_login(staff_who_may_view_decisions())
    response = client.get(reverse("admin-transparency-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="joyreel-transparency-')
    lines = response.content.decode().splitlines()
    assert lines[0] == "month,measure,breakdown,value"
    assert f"{month:%Y-%m},decisions,automated share,0.250" in lines
    assert len(lines) == 22


def test_staff_without_the_permission_get_403_and_visitors_the_login(client):
    assert client.get(reverse("admin-transparency")).status_code == 302
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(reverse("admin-transparency")).status_code == 403
    assert client.get(reverse("admin-transparency-csv")).status_code == 403
    assert 'data-testid="transparency-link"' not in client.get(reverse("admin:index")).content.decode()


def test_an_empty_window_says_so(client):
    client.force_login(staff_who_may_view_decisions())
    assert 'data-testid="transparency-empty"' in client.get(reverse("admin-transparency")).content.decode()


def test_the_demo_moderation_history_is_made_once_through_the_services():
    call_command("seed_demo")
    for handle in ("trailtom", "lenabeats", "kitchenkai"):
        published_video(owner=CreatorFactory.create(handle=handle))
    call_command("seed_demo_moderation")
    call_command("seed_demo_moderation")
    figures = transparency_months()  # reports from 30 hours ago: on the 1st, two months
    total = {
        name: sum(getattr(item, name) for item in figures)
        for name in ("reports", "reports_on_accounts", "decisions", "automated", "appeals", "reversals")
    }
    assert total == {
        "reports": 4,
        "reports_on_accounts": 1,
        "decisions": 4,
        "automated": 1,
        "appeals": 1,
        "reversals": 1,
    }
    hours = sorted(round(value) for item in figures for value in item.hours_to_decision)
    assert hours == [4, 8, 20, 30]
    assert Appeal.objects.get().state == "reversed"
    assert AuditEntry.objects.filter(action__startswith="decision.").count() == 4
