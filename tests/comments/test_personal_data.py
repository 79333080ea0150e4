"""A person's comments in "your data": exported (video, text, time, state; likes; filtered words) and erased
with the account: a comment others replied to stays as "deleted comment" with the replies, the rest go,
and the counts on videos and parent comments stay right."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from creators.comments import services
from creators.comments.models import Comment, CommentFilterWord, CommentLike
from creators.comments.personal_data import comments_erase
from platform import personal_data
from platform.account_deletion import GRACE_PERIOD, account_delete
from platform.models import Notification, User
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.platform.test_account_deletion import rows_about

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def posting(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.comment_post(**kwargs)

    return posting


class Conversation:
    """The person ("Quillon") talks under someone else's video and their own, and others answer."""

    def __init__(self, post) -> None:
        self.person = UserFactory.create(email="quillon@example.com", display_name="Quillon Marlowe")
        self.profile = CreatorFactory.create(
            user=self.person, handle="quillon", display_name="Quillon Marlowe"
        )
        self.other = CreatorFactory.create(handle="ottilie", display_name="Ottilie Other")
        self.video = published_video(owner=self.other, caption="Ottilie's lake")
        self.own_video = published_video(owner=self.profile, caption="Quillon's cat")
        self.friend = CreatorFactory.create(handle="fanny", display_name="Fanny Friend").user
        # A comment others answered (stays as "deleted comment"), with the person's own reply under it too.
        self.answered = post(author=self.person, video=self.video, text="Where is this, Quillon asks")
        self.their_reply = post(
            author=self.other.user, video=self.video, text="Lake Constance", parent_id=self.answered.pk
        )
        self.own_reply = post(
            author=self.person, video=self.video, text="thanks!", parent_id=self.answered.pk
        )
        # A comment no one answered (goes), and a reply of the person to someone else (goes).
        self.lonely = post(author=self.person, video=self.video, text="@fanny look, from Quillon Marlowe")
        self.friends = post(author=self.friend, video=self.video, text="lovely")
        self.reply_to_friend = post(
            author=self.person, video=self.video, text="agreed", parent_id=self.friends.pk
        )
        services.comment_like(user=self.person, comment=self.friends)
        services.comment_like(user=self.friend, comment=self.answered)
        # On the person's own video (goes with it); their filter words.
        post(author=self.friend, video=self.own_video, text="cute cat")
        services.filter_word_add(profile=self.profile, phrase="spoiler")


def test_the_export_holds_the_persons_comments_likes_and_filter_words(post):
    world = Conversation(post)
    part = next(each for each in personal_data.registered() if each.app == "comments")
    files: dict[str, bytes] = {
        path: content if isinstance(content, bytes) else b"".join(content)
        for path, content in part.exporter(world.person)
    }
    comments = [json.loads(line) for line in files["comments.jsonl"].splitlines()]
    assert [c["text"] for c in comments] == [
        "Where is this, Quillon asks",
        "thanks!",
        "@fanny look, from Quillon Marlowe",
        "agreed",
    ]
    first = comments[0]
    assert first["video"] == str(world.video.public_id)
    assert first["state"] == "visible"
    assert first["reply_to"] is None
    assert first["reply_count"] == 2
    assert first["like_count"] == 1
    assert comments[1]["reply_to"] == world.answered.pk
    written = datetime.datetime.fromisoformat(first["created_at"].replace("Z", "+00:00"))
    assert abs(written - world.answered.created_at) < datetime.timedelta(milliseconds=1)
    likes = json.loads(files["comment-likes.json"])
    assert [(like["comment"], like["video"]) for like in likes] == [
        (world.friends.pk, str(world.video.public_id))
    ]
    assert [w["phrase"] for w in json.loads(files["comment-filter-words.json"])] == ["spoiler"]
    # No one else's comment is in it.
    assert all("lovely" not in c["text"] and "Lake" not in c["text"] for c in comments)


def test_the_zip_has_the_comments_folder(post, django_capture_on_commit_callbacks):
    world = Conversation(post)
    buffer = io.BytesIO()
    personal_data.zip_build(user=world.person, destination=buffer, made=timezone.now())
    archive = zipfile.ZipFile(buffer)
    assert {
        "comments/comments.jsonl",
        "comments/comment-likes.json",
        "comments/comment-filter-words.json",
    } <= set(archive.namelist())
    assert "comments/comments.jsonl" in archive.read("README.txt").decode()


def test_erasure_keeps_answered_comments_as_deleted_and_the_counts_right(post):
    world = Conversation(post)
    comments_erase(world.person)

    assert not Comment.objects.filter(author=world.person).exists()
    kept = Comment.objects.get(pk=world.answered.pk)
    assert (kept.state, kept.text, kept.author_id, kept.is_pinned) == ("deleted", "", None, False)
    # The other person's reply stays under it; the person's own reply went.
    assert list(Comment.objects.filter(parent=kept).values_list("text", flat=True)) == ["Lake Constance"]
    assert not Comment.objects.filter(
        pk__in=[world.lonely.pk, world.reply_to_friend.pk, world.own_reply.pk]
    ).exists()

    world.video.refresh_from_db()
    visible = Comment.objects.filter(video=world.video, state="visible").count()
    assert world.video.comment_count == visible == 2  # the reply "Lake Constance" and "lovely"
    kept.refresh_from_db()
    assert kept.reply_count == 1
    friends = Comment.objects.get(pk=world.friends.pk)
    assert (friends.reply_count, friends.like_count, friends.score) == (0, 0, 0)
    assert not CommentLike.objects.filter(user=world.person).exists()
    assert not CommentFilterWord.objects.exists()
    # Fanny was told of the mention by name: that notification went with the comment.
    assert not Notification.objects.filter(user=world.friend, title__contains="quillon").exists()


def test_account_deletion_leaves_nothing_of_the_person_in_the_conversation(
    post, django_capture_on_commit_callbacks
):
    world = Conversation(post)
    person = world.person
    before = rows_about(user_id=person.pk, email=person.email, display_name=person.display_name)
    assert "creators.Comment.author" in before
    assert "creators.CommentLike.user" in before
    assert any(row.startswith("creators.Comment:") and row.endswith(".text") for row in before)
    User.objects.filter(pk=person.pk).update(deletion_requested_at=timezone.now() - GRACE_PERIOD * 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete(user_id=person.pk) is True
    assert rows_about(user_id=person.pk, email=person.email, display_name=person.display_name) == []
    # What stays: others' comments (the person's video went with its comments), the deleted placeholder.
    assert sorted(Comment.objects.values_list("text", flat=True)) == ["", "Lake Constance", "lovely"]
    world.video.refresh_from_db()
    assert world.video.comment_count == 2
