"""The conversation's pages without JavaScript: a video's comments and one comment's replies with plain
forms, the creator's comments inbox and their comment settings (who may comment, filtered words).

Every lookup is scoped: the video through ``creators.selectors.video_get_visible`` for this viewer, a
comment through ``comment_get_visible`` (or, for the video's creator, their own video's comments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creators import selectors as video_selectors
from creators.comments import selectors, services
from creators.comments.models import MAX_LENGTH, Comment, CommentPolicy
from creators.models import CreatorProfile, Video
from creators.views import creator_required
from platform import age
from platform.errors import NotFound, RateLimited
from platform.guidelines import Guideline
from platform.models import User
from platform.viewer import viewer_of
from platform.views import service_call


class CommentForm(forms.Form):
    # The service says what is wrong with the text (empty, too long, links...): the form only carries it.
    text = forms.CharField(
        label=gettext_lazy("Add a comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_LENGTH, "data-testid": "comment-text"}),
    )


class PolicyForm(forms.Form):
    policy = forms.ChoiceField(
        label=gettext_lazy("Comments on my videos come from"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["policy"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class FilterWordForm(forms.Form):
    phrase = forms.CharField(label=gettext_lazy("Add a word or phrase"), max_length=100)


def _video(request: HttpRequest, public_id: str) -> Video:
    video = video_selectors.video_get_visible(public_id=public_id, viewer=viewer_of(request))
    if video is None:
        raise Http404("No such video.")
    return video


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _post(request: HttpRequest, *, video: Video, form: CommentForm, parent_id: int | None) -> Comment | None:
    """Post the form's comment; on a refusal the form carries the reason and keeps the text."""
    author = _user(request)
    if author is None:
        form.add_error("text", _("Log in to comment."))
        return None
    text = request.POST.get("text", "")
    try:
        return services.comment_post(author=author, video=video, text=text, parent_id=parent_id)
    except ValidationError as error:
        form.add_error("text", error.messages)
    except RateLimited as error:
        form.add_error("text", error.message)
    except NotFound as error:
        form.add_error("text", error.message)
    return None


def _posted_message(request: HttpRequest, comment: Comment) -> None:
    if comment.state == Comment.State.VISIBLE:
        messages.success(
            request, _("Your reply is posted.") if comment.parent_id else _("Your comment is posted.")
        )
    else:
        messages.info(
            request, _("Your comment is waiting for review: others will see it once it is approved.")
        )


def _context(request: HttpRequest, *, video: Video, form: CommentForm) -> dict[str, Any]:
    user = _user(request)
    refusal = selectors.comment_refusal(author=user, video=video)
    return {
        "video": video,
        "form": form,
        "refusal": refusal,
        "is_video_creator": user is not None and video.owner.user_id == user.pk,
        "max_length": MAX_LENGTH,
        "report_reasons": Guideline.choices,
    }


def video_comments(request: HttpRequest, public_id: str) -> HttpResponse:
    """A video's comments, top or newest, a page at a time, with the form to add one."""
    video = _video(request, public_id)
    order = request.GET.get("order", "top")
    if order not in selectors.ORDERS:
        order = "top"
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        comment = _post(request, video=video, form=form, parent_id=None)
        if comment is not None:
            _posted_message(request, comment)
            return redirect(reverse("creators:video_comments", args=[video.public_id]) + "?order=newest")
        status = 400
    try:
        page = selectors.comment_page(
            video=video, viewer=viewer_of(request), order=order, cursor=request.GET.get("cursor")
        )
    except ValidationError:
        page = selectors.comment_page(video=video, viewer=viewer_of(request), order=order)
    context = _context(request, video=video, form=form) | {
        "comments": page.comments,
        "comment_count": page.comment_count,
        "next_cursor": page.next_cursor,
        "order": order,
        "is_first_page": not request.GET.get("cursor"),
    }
    return render(request, "comments/video_comments.html", context, status=status)


def comment_thread(request: HttpRequest, public_id: str, comment_id: int) -> HttpResponse:
    """One comment with its replies and the form to reply to it."""
    video = _video(request, public_id)
    parent = selectors.comment_get_visible(
        comment_id=comment_id, viewer=viewer_of(request), placeholders=True
    )
    if parent is None or parent.video_id != video.pk or parent.parent_id is not None:
        raise Http404("No such comment.")
    form = CommentForm(request.POST or None)
    form.fields["text"].label = _("Reply")
    status = 200
    if request.method == "POST":
        comment = _post(request, video=video, form=form, parent_id=parent.pk)
        if comment is not None:
            _posted_message(request, comment)
            return redirect("creators:comment_thread", public_id=video.public_id, comment_id=parent.pk)
        status = 400
    try:
        page = selectors.reply_page(
            parent=parent, viewer=viewer_of(request), cursor=request.GET.get("cursor")
        )
    except ValidationError:
        page = selectors.reply_page(parent=parent, viewer=viewer_of(request))
    context = _context(request, video=video, form=form) | {
        "parent": parent,
        "replies": page.comments,
        "next_cursor": page.next_cursor,
    }
    return render(request, "comments/comment_thread.html", context, status=status)


# --- actions on one comment -----------------------------------------------------------------------

ACTIONS = ("like", "unlike", "delete", "hide", "unhide", "pin", "unpin", "approve")


def _comment_for(user: User, request: HttpRequest, comment_id: int) -> Comment:
    """The comment the person may act on: any on their own videos (held and hidden ones too, for the
    creator's inbox), else one they may read."""
    own = (
        Comment.objects.filter(pk=comment_id, video__owner__user=user)
        .exclude(state__in=[Comment.State.REMOVED, Comment.State.DELETED])
        .select_related("video__owner__user")
        .first()
    )
    if own is not None:
        return own
    comment = selectors.comment_get_visible(comment_id=comment_id, viewer=viewer_of(request))
    if comment is None:
        raise Http404("No such comment.")
    return comment


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    """Like, delete, hide, pin or approve a comment from a plain form, then back where the person was."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    user = request.user
    assert isinstance(user, User)
    comment = _comment_for(user, request, comment_id)
    fallback = reverse("creators:video_comments", args=[comment.video.public_id])
    done = {
        "delete": _("Comment deleted."),
        "hide": _("Comment hidden: only its author sees it now."),
        "unhide": _("Comment shown again."),
        "pin": _("Comment pinned."),
        "unpin": _("Comment unpinned."),
        "approve": _("Comment approved: everyone can see it now."),
    }
    with service_call(request, success=done.get(action, "")):
        if action in ("like", "unlike"):
            services.comment_like(user=user, comment=comment, liked=action == "like")
        elif action == "delete":
            services.comment_delete(actor=user, comment=comment)
        elif action in ("hide", "unhide"):
            services.comment_hide(creator=user, comment=comment, hidden=action == "hide")
        elif action in ("pin", "unpin"):
            services.comment_pin(creator=user, comment=comment, pinned=action == "pin")
        else:
            services.comment_approve(creator=user, comment=comment)
    return redirect(_safe_next(request, fallback))


# --- the creator's side ---------------------------------------------------------------------------


def _policy_choices(profile: CreatorProfile, *, default_label: str) -> list[tuple[str, str]]:
    band = age.age_band(date_of_birth=profile.user.date_of_birth)
    allowed = age.comment_policies_allowed(band)
    labels = dict(CommentPolicy.choices)
    return [("", default_label)] + [(value, str(labels[value])) for value in allowed]


def _policy_default_label(profile: CreatorProfile) -> str:
    band = age.age_band(date_of_birth=profile.user.date_of_birth)
    default = age.comment_policy_in_force(band=band, account="")
    return _("The default for my account (%(policy)s)") % {"policy": dict(CommentPolicy.choices)[default]}


@creator_required
def studio_comments(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """The inbox: the newest comments on my videos, held ones first to decide."""
    comments = list(selectors.comments_inbox(profile=creator))
    held = [comment for comment in comments if comment.state == Comment.State.HELD]
    context = {
        "creator": creator,
        "held": held,
        "comments": [comment for comment in comments if comment.state != Comment.State.HELD],
    }
    return render(request, "comments/studio_inbox.html", context)


@creator_required
def studio_comment_settings(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """Who may comment on my videos, and the words that hold a comment for my approval."""
    choices = _policy_choices(creator, default_label=_policy_default_label(creator))
    is_policy = request.method == "POST" and request.POST.get("form") == "policy"
    is_word = request.method == "POST" and request.POST.get("form") == "word"
    policy_form = PolicyForm(
        request.POST if is_policy else None, choices=choices, initial={"policy": creator.comment_policy}
    )
    word_form = FilterWordForm(request.POST if is_word else None)
    status = 200
    if is_policy:
        if policy_form.is_valid():
            with service_call(request, success=_("Saved: who can comment."), form=policy_form) as call:
                services.comment_policy_set(profile=creator, policy=policy_form.cleaned_data["policy"])
            if call.ok:
                return redirect("creators:studio_comment_settings")
        status = 400
    elif is_word:
        if word_form.is_valid():
            with service_call(request, success=_("Word added."), form=word_form) as call:
                services.filter_word_add(profile=creator, phrase=word_form.cleaned_data["phrase"])
            if call.ok:
                return redirect(reverse("creators:studio_comment_settings") + "#filtered-words")
        status = 400
    band = age.age_band(date_of_birth=creator.user.date_of_birth)
    context = {
        "creator": creator,
        "policy_form": policy_form,
        "word_form": word_form,
        "words": list(creator.comment_filter_words.all()),
        "in_force": dict(CommentPolicy.choices)[
            age.comment_policy_in_force(band=band, account=creator.comment_policy)
        ],
        "is_young": len(choices) < len(CommentPolicy.choices) + 1,
    }
    return render(request, "comments/studio_settings.html", context, status=status)


@creator_required
@require_POST
def studio_filter_word_delete(request: HttpRequest, creator: CreatorProfile, word_id: int) -> HttpResponse:
    with service_call(request, success=_("Word removed.")):
        services.filter_word_remove(profile=creator, word_id=word_id)
    return redirect(reverse("creators:studio_comment_settings") + "#filtered-words")


@creator_required
@require_POST
def studio_video_comment_policy(
    request: HttpRequest, creator: CreatorProfile, public_id: str
) -> HttpResponse:
    video = video_selectors.studio_video_get(owner=creator, public_id=public_id)
    if video is None:
        raise Http404("No such video.")
    policy = request.POST.get("policy", "")
    with service_call(request, success=_("Saved: who can comment on this video.")):
        services.comment_policy_set(profile=creator, policy=policy, video=video)
    return redirect(reverse("creators:studio_video", args=[video.public_id]) + "#comments")


def video_policy_choices(video: Video) -> list[tuple[str, str]]:
    """The per-video choices for ``video``'s owner (the studio's video page shows them)."""
    profile = video.owner
    band = age.age_band(date_of_birth=profile.user.date_of_birth)
    account = dict(CommentPolicy.choices)[
        age.comment_policy_in_force(band=band, account=profile.comment_policy)
    ]
    return _policy_choices(profile, default_label=_("As my account says (%(policy)s)") % {"policy": account})
