"""The "What do you enjoy?" page shown after sign-up: pick topics, then a few of their hashtags, or skip.

Works without JavaScript: the first submit shows the picked topics' suggested hashtags, the second saves."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from feeds.welcome import selectors, services
from platform.viewer import viewer_of
from platform.views import service_call


class IdsField(forms.Field):
    """A list of ids from repeated form fields (checkboxes of one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list) else []
        if not all(isinstance(item, str) and item.isdigit() for item in values):
            raise forms.ValidationError(_("Pick from the list."), code="invalid")
        return [int(item) for item in values]


class PicksForm(forms.Form):
    """The page's two lists of ids; which ids exist and how many may be picked is the service's rule."""

    topics = IdsField(required=False)
    hashtags = IdsField(required=False)
    step = forms.ChoiceField(
        choices=[("hashtags", gettext_lazy("Next")), ("save", gettext_lazy("Save"))], required=False
    )


@never_cache
@login_required
def interests(request: HttpRequest) -> HttpResponse:
    form = PicksForm(request.POST or None)
    picked: list[int] = []
    picked_hashtags: list[int] = []
    step = "topics"
    status = 200
    if request.method == "POST" and form.is_valid():
        picked, picked_hashtags = form.cleaned_data["topics"], form.cleaned_data["hashtags"]
        if form.cleaned_data["step"] == "save":
            with service_call(
                request, success=_("Thanks! Your For You starts with what you picked.")
            ) as call:
                services.interests_pick(
                    viewer=viewer_of(request), topic_ids=picked, hashtag_ids=picked_hashtags
                )
            if call.ok:
                return redirect("home")
            status, step = 400, "hashtags"  # the picks stay on screen beside the message saying what is wrong
        elif len(picked) > services.MAX_TOPICS:
            form.add_error("topics", _("Pick at most %(count)s topics.") % {"count": services.MAX_TOPICS})
            status = 400
        else:
            step = "hashtags"
    elif request.method == "POST":
        status = 400
    topics = selectors.topics_all()
    known = {topic.pk for topic in topics}
    picked = [topic_id for topic_id in picked if topic_id in known]
    suggested = selectors.hashtags_suggested(topic_ids=picked) if step == "hashtags" else []
    names = {topic.pk: str(topic) for topic in topics}  # a seeded topic's name in the page's language
    groups = [
        {"topic": names[topic_id], "hashtags": [tag for tag in suggested if tag.topic_id == topic_id]}
        for topic_id in picked
    ]
    context = {
        "form": form,
        "step": step,
        "topics": topics,
        "picked": set(picked),
        "picked_hashtags": set(picked_hashtags),
        "groups": [group for group in groups if group["hashtags"]],
        "max_topics": services.MAX_TOPICS,
    }
    return render(request, "feeds/welcome_interests.html", context, status=status)
