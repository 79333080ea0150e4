"""Migrations creators 0011, feeds 0008, platform 0005: reports and watched words move to ``creators`` with
their rows, and the permissions on them keep working."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from creators.models import Report, WatchedWord
from platform.models import User
from tests.factories import born_years_ago

BEFORE = [
    ("creators", "0010_upload_session_s3_parts"),
    ("feeds", "0007_interest_outcome_per_view"),
    ("platform", "0004_user_time_zone_before"),
]


@pytest.mark.django_db(transaction=True)
def test_reports_and_watched_words_keep_their_rows_and_permissions_when_they_move_to_creators():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Everyone and everything from the models of that time: later migrations add columns to their tables
    # (an account's language, a video's captions), which the tables of then do not have.
    old_user = old.get_model("platform", "User")
    people = iter(range(1, 100))

    def person(**fields):
        number = next(people)
        return old_user.objects.create(
            email=f"person{number}@example.com", display_name=f"Person {number}", password="!",
            date_of_birth=born_years_ago(30), **fields,
        )  # fmt: skip

    reporter = person()
    old_profile, old_video = old.get_model("creators", "CreatorProfile"), old.get_model("creators", "Video")
    owner = old_profile.objects.create(user_id=person().pk, handle="owner", display_name="Owner")
    video = old_video.objects.create(
        owner_id=owner.pk,
        caption="Reported",
        public_id=uuid.uuid4(),
        original="videos/reported/original.mp4",
        state="published",
        published_at=timezone.now(),
    )
    profile = old_profile.objects.create(user_id=person().pk, handle="reported", display_name="R")
    moderator = person(is_staff=True)
    old_report = old.get_model("feeds", "Report")
    old_report.objects.create(video_id=video.pk, reporter_id=reporter.pk, viewer_key="u:1", reason="spam")
    old_report.objects.create(profile_id=profile.pk, viewer_key="a:2", reason="harassment", detail="Rude.")
    old.get_model("platform", "WatchedWord").objects.create(phrase="miracle cure", created_by_id=moderator.pk)
    old_content_type = old.get_model("contenttypes", "ContentType")
    report_type, _ = old_content_type.objects.get_or_create(app_label="feeds", model="report")
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=report_type, codename="view_report", defaults={"name": "Can view report"}
    )
    group = old.get_model("auth", "Group").objects.create(name="Report readers")
    group.permissions.add(permission)
    group.user_set.add(moderator.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    reports = list(Report.objects.order_by("pk"))
    assert [(r.video_id, r.profile_id, r.reporter_id, r.reason) for r in reports] == [
        (video.pk, None, reporter.pk, "spam"),
        (None, profile.pk, None, "harassment"),
    ]
    assert reports[1].detail == "Rude."
    assert [(w.phrase, w.created_by_id) for w in WatchedWord.objects.all()] == [
        ("miracle cure", moderator.pk)
    ]
    moved = ContentType.objects.get(pk=report_type.pk)
    assert (moved.app_label, moved.model) == ("creators", "report")
    assert ContentType.objects.get_for_model(Report) == moved
    assert not ContentType.objects.filter(app_label="feeds", model="report").exists()
    assert list(
        Group.objects.get(name="Report readers").permissions.values_list("content_type__app_label")
    ) == [("creators",)]
    assert User.objects.get(pk=moderator.pk).has_perm("creators.view_report")
