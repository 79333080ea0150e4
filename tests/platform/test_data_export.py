"""Download your data: the ZIP holds each app's files and the videos' originals, nothing of anyone else;
one export is prepared at a time; the link is the owner's only and expires."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from platform import personal_data
from platform.models import DataExport, Notification
from platform.tasks import data_export_build_task, data_exports_expire_task
from tests.conftest import stored_files
from tests.factories import UserFactory
from tests.german import is_english
from tests.platform.your_data import world

pytestmark = pytest.mark.django_db


def _archive(export: DataExport) -> zipfile.ZipFile:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _ready_export(user, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = personal_data.data_export_request(user=user)
    assert len(callbacks) == 1  # the build is enqueued after commit
    data_export_build_task(export_id=export.pk)
    export.refresh_from_db()
    return export


def test_the_zip_holds_every_apps_files_and_the_originals_and_no_one_elses_data(
    clips, django_capture_on_commit_callbacks
):
    people = world(clips)
    export = _ready_export(people.person, django_capture_on_commit_callbacks)

    assert export.state == DataExport.State.READY
    assert export.ready_at is not None
    assert export.expires_at == export.ready_at + datetime.timedelta(days=7)
    assert export.file.name == f"exports/{export.token}.zip"
    archive = _archive(export)
    names = set(archive.namelist())
    originals = {f"creators/videos/{video.public_id}/original.mp4" for video in people.videos}
    assert names == {
        "README.txt",
        "platform/account.json",
        "platform/notifications.json",
        "platform/blocks_and_mutes.json",
        "platform/family.json",
        "platform/screen_time.json",
        "platform/account_history.json",
        "creators/profile.json",
        "creators/avatar-small.jpg",
        "creators/avatar-large.jpg",
        "creators/videos.json",
        "creators/follows.json",
        "creators/decisions.json",
        "feeds/signals.jsonl",
        "feeds/interest_profile.json",
        "feeds/reports.json",
        "feeds/hashtag_follows.json",
        "comments/comments.jsonl",
        "comments/comment-likes.json",
        "comments/comment-filter-words.json",
        *originals,
    }
    assert archive.read(sorted(originals)[0]) == clips.portrait.read_bytes()
    assert archive.read("creators/avatar-small.jpg") == people.profile.avatar_small.open("rb").read()
    account = json.loads(archive.read("platform/account.json"))
    assert (account["email"], account["display_name"]) == ("quillon.marlowe@example.com", "Quillon Marlowe")
    assert "password" not in account
    assert "screen_time_passcode" not in account
    # What the account's safety rules keep about it is the person's data too.
    assert {
        "email_confirmed_at",
        "time_zone_changed_at",
        "signup_address",
        "signup_browser",
    } <= account.keys()
    signals = [json.loads(line) for line in archive.read("feeds/signals.jsonl").splitlines()]
    assert [(row["kind"], row["video__public_id"]) for row in signals] == [
        ("complete", str(people.other_video.public_id)),
        ("like", str(people.other_video.public_id)),
    ]
    assert json.loads(archive.read("feeds/hashtag_follows.json")) == []  # they follow no hashtag
    reports = json.loads(archive.read("feeds/reports.json"))
    assert [(r["reason"], r["detail"]) for r in reports] == [("spam", "Looks like spam to me")]
    follows = json.loads(archive.read("creators/follows.json"))
    assert [f["handle"] for f in follows["following"]] == ["ottilie"]
    assert [f["display_name"] for f in follows["followers"]] == ["Fanny Follower"]
    assert json.loads(archive.read("platform/blocks_and_mutes.json"))["blocked"][0]["blocked_id"] == (
        people.follower.pk
    )
    readme = archive.read("README.txt").decode()
    for part in ("platform/account.json", "creators/videos/<id>/", "feeds/signals.jsonl"):
        assert part in readme

    everything = b"".join(archive.read(name) for name in names)
    assert b"someone.else@example.com" not in everything
    assert b"Welcome, Ottilie" not in everything
    assert clips.landscape.read_bytes() not in everything  # the other creator's original
    notification = Notification.objects.get(user=people.person, title="Your data is ready to download")
    assert (notification.kind, notification.url) == ("account", reverse("account_settings") + "#your-data")


def test_a_business_gets_its_profile_and_promotions_without_card_data(
    clips, django_capture_on_commit_callbacks
):
    from businesses import services
    from tests.businesses.helpers import business_with_video

    business, video = business_with_video()
    services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=50_00, duration_days=7
    )
    export = _ready_export(business.creator.user, django_capture_on_commit_callbacks)
    archive = _archive(export)
    assert json.loads(archive.read("businesses/business.json"))["legal_name"] == business.legal_name
    promotions = json.loads(archive.read("businesses/promotions.json"))
    assert [(p["budget_cents"], p["state"], p["payments"]) for p in promotions] == [(5000, "draft", [])]


def test_a_second_request_while_one_is_pending_returns_the_pending_one(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = personal_data.data_export_request(user=user)
        second = personal_data.data_export_request(user=user)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert DataExport.objects.filter(user=user).count() == 1
    data_export_build_task(export_id=first.pk)
    with django_capture_on_commit_callbacks(execute=False):
        third = personal_data.data_export_request(user=user)
    assert third.pk != first.pk
    assert third.token != first.token
    assert third.state == DataExport.State.PENDING


def test_the_build_task_is_idempotent(user, django_capture_on_commit_callbacks):
    export = _ready_export(user, django_capture_on_commit_callbacks)
    ready_at, name = export.ready_at, export.file.name
    data_export_build_task(export_id=export.pk)  # redelivered
    data_export_build_task(export_id=987654)  # gone
    export.refresh_from_db()
    assert (export.ready_at, export.file.name) == (ready_at, name)
    assert Notification.objects.filter(user=user, title="Your data is ready to download").count() == 1


def test_only_the_owner_downloads_it_as_an_attachment(client, user, django_capture_on_commit_callbacks):
    export = _ready_export(user, django_capture_on_commit_callbacks)
    url = reverse("data_export_download", args=[export.token])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    stranger = UserFactory.create()
    client.force_login(stranger)
    assert client.get(url).status_code == 404

    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("platform/account.json")
    assert client.get(reverse("data_export_download", args=["not-a-token"])).status_code == 404


def test_the_link_expires_and_the_beat_job_deletes_the_file(
    client, user, media_root, django_capture_on_commit_callbacks
):
    export = _ready_export(user, django_capture_on_commit_callbacks)
    url = reverse("data_export_download", args=[export.token])
    client.force_login(user)
    assert data_exports_expire_task() == 0  # not yet
    assert stored_files(media_root) == [export.file.name]

    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert data_exports_expire_task() == 1
    export.refresh_from_db()
    assert (export.state, export.file.name) == (DataExport.State.EXPIRED, "")
    assert stored_files(media_root) == []


def test_a_pending_export_is_not_downloadable(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        export = personal_data.data_export_request(user=user)
    client.force_login(user)
    assert client.get(reverse("data_export_download", args=[export.token])).status_code == 404


def test_the_settings_page_asks_then_says_it_is_being_prepared_then_links_it(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    page = client.get(reverse("account_settings")).content.decode()
    assert 'id="your-data"' in page
    assert reverse("data_export_start") in page
    assert reverse("account_delete") in page

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("data_export_start"))
    assert response.status_code == 302
    page = client.get(reverse("account_settings")).content.decode()
    assert "We are preparing your data" in page
    assert reverse("data_export_start") not in page  # one at a time

    export = DataExport.objects.get(user=user)
    data_export_build_task(export_id=export.pk)
    export.refresh_from_db()
    page = client.get(reverse("account_settings")).content.decode()
    assert reverse("data_export_download", args=[export.token]) in page
    assert "The link works until" in page


def test_asking_for_an_export_needs_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("data_export_start")).status_code == 405
    assert not DataExport.objects.exists()


def test_a_stored_file_that_is_gone_is_named_in_the_readme_and_the_export_still_succeeds(
    clips, django_capture_on_commit_callbacks
):
    people = world(clips)
    lost = people.videos[0]
    lost.original.storage.delete(str(lost.original.name))
    export = _ready_export(people.person, django_capture_on_commit_callbacks)
    assert export.state == DataExport.State.READY
    archive = _archive(export)
    path = f"creators/videos/{lost.public_id}/original.mp4"
    assert path not in archive.namelist()
    assert f"creators/videos/{people.videos[1].public_id}/original.mp4" in archive.namelist()
    assert (
        f"could not be read when the archive was made and are left out:\n  {path}"
        in archive.read("README.txt").decode()
    )


def _readme_texts(readme: str) -> list[str]:
    """The README's sentences: every line but the file names ("creators/", "  creators/videos.json")."""
    return [line for line in readme.splitlines() if line.strip() and not re.fullmatch(r"(  )?\w+/.*", line)]


def test_the_readme_is_written_in_the_accounts_language(django_capture_on_commit_callbacks):
    german = UserFactory.create(language="de")
    readme = _archive(_ready_export(german, django_capture_on_commit_callbacks)).read("README.txt").decode()

    assert readme.startswith("Deine Daten von Joyreel\n=======================\n\nDieses Archiv enthält")
    assert "  creators/videos.json\n      Jedes Video, das du hochgeladen hast:" in readme
    assert [text for text in _readme_texts(readme) if is_english(text)] == []
    english = UserFactory.create(language="en")
    readme = _archive(_ready_export(english, django_capture_on_commit_callbacks)).read("README.txt").decode()
    assert readme.startswith("Your data from Joyreel\n======================\n\nThis archive holds")
    assert "  creators/videos.json\n      Every video you uploaded:" in readme
