"""Creator pages: public profiles, the watch page and media files, and the studio."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creators import captions, hooks, scheduling, selectors, services, streaming
from creators.forms import (
    AvatarForm,
    CaptionUploadForm,
    CoverForm,
    CreatorProfileForm,
    TrimForm,
    UploadForm,
    VideoDetailsForm,
)
from creators.models import CreatorProfile, Video
from platform.guidelines import Guideline
from platform.http import stored_file_response
from platform.models import User
from platform.screen_time import screen_time_meter
from platform.viewer import viewer_of
from platform.views import form_add_service_errors, service_call

State = Video.State


# --- public pages ------------------------------------------------------------------

PROFILE_GRID_SIZE = 60


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    creator = selectors.profile_get(handle=handle)
    if creator is None:
        raise Http404("No such creator.")
    block_state = selectors.profile_block_state(profile=creator, viewer=viewer_of(request))
    if block_state == selectors.BlockState.BLOCKED_BY_OWNER:
        raise Http404("No such creator.")  # the same answer as for a handle nobody has
    if block_state == selectors.BlockState.BLOCKED_BY_VIEWER:
        return render(request, "creators/profile_blocked.html", {"creator": creator})
    is_visible = selectors.profile_is_visible(profile=creator, viewer=viewer_of(request))
    videos = (
        list(selectors.profile_videos(profile=creator, viewer=viewer_of(request))[:PROFILE_GRID_SIZE])
        if is_visible
        else []
    )
    views = hooks.view_counts([video.pk for video in videos])
    if is_visible:
        hooks.profile_visited(creator, request)
    context = {
        "creator": creator,
        "is_visible": is_visible,
        "cards": [{"video": video, "views": views.get(video.pk, 0)} for video in videos],
        "follow_state": selectors.follow_state(profile=creator, viewer=viewer_of(request)),
        "is_own": request.user.is_authenticated and request.user.pk == creator.user_id,
        "badge": hooks.profile_badge(creator),
        "report_reasons": Guideline.choices,
        "is_muted": selectors.profile_is_muted(profile=creator, viewer=viewer_of(request)),
    }
    return render(request, "creators/profile.html", context)


def _other_account(request: HttpRequest, handle: str) -> tuple[User, CreatorProfile]:
    """The logged-in user and the profile they act on; 404 when its owner blocked them."""
    creator = selectors.profile_get_for(handle=handle, viewer=viewer_of(request))
    if creator is None:
        raise Http404("No such creator.")
    user = request.user
    assert isinstance(user, User)
    return user, creator


@login_required
def block(request: HttpRequest, handle: str) -> HttpResponse:
    """GET asks "Block @x?" and says what it does; POST blocks."""
    user, creator = _other_account(request, handle)
    if request.method != "POST" and creator.user_id != user.pk:  # one's own: the service says no
        return render(request, "creators/profile_block_confirm.html", {"creator": creator})
    with service_call(request, success=_("You blocked @%(handle)s.") % {"handle": creator.handle}):
        services.account_block(blocker=user, blocked=creator.user)
    return redirect(creator.get_absolute_url())


@login_required
@require_POST
def unblock(request: HttpRequest, handle: str) -> HttpResponse:
    user, creator = _other_account(request, handle)
    services.account_unblock(blocker=user, blocked=creator.user)
    messages.success(request, _("You unblocked @%(handle)s.") % {"handle": creator.handle})
    return redirect(creator.get_absolute_url())


@login_required
@require_POST
def mute(request: HttpRequest, handle: str) -> HttpResponse:
    user, creator = _other_account(request, handle)
    with service_call(
        request,
        success=_("You muted @%(handle)s: their videos no longer show in your feeds.")
        % {"handle": creator.handle},
    ):
        services.account_mute(muter=user, muted=creator.user)
    return redirect(creator.get_absolute_url())


@login_required
@require_POST
def unmute(request: HttpRequest, handle: str) -> HttpResponse:
    user, creator = _other_account(request, handle)
    services.account_unmute(muter=user, muted=creator.user)
    messages.success(request, _("You unmuted @%(handle)s.") % {"handle": creator.handle})
    return redirect(creator.get_absolute_url())


@login_required
@require_POST
def follow_toggle(request: HttpRequest, handle: str) -> HttpResponse:
    user, creator = _other_account(request, handle)
    if selectors.follow_state(profile=creator, viewer=viewer_of(request)) is None:
        with service_call(request):
            services.follow_create(follower=user, creator=creator)
    else:
        services.follow_delete(follower=user, creator=creator)
    return redirect(creator.get_absolute_url())


def video_watch(request: HttpRequest, public_id: str) -> HttpResponse:
    video = selectors.video_get_visible(public_id=public_id, viewer=viewer_of(request))
    if video is None:
        raise Http404("No such video.")
    page = hooks.watch_page()
    if page is not None:
        return page(request, video)
    # The fallback page plays the ladder like the feed (stream.js), the MP4 with <track>s otherwise.
    stream_url = (
        reverse("creators:video_stream", args=[video.public_id, video.rendition_version, "master.m3u8"])
        if video.stream.name
        else ""
    )
    tracks = [
        {
            "language": language,
            "name": captions.LANGUAGES.get(language, language),
            "url": reverse("creators:video_captions", args=[video.public_id, language, "vtt"]),
        }
        for language in video.caption_languages
    ]
    context = {
        "video": video,
        "stream_url": stream_url,
        "stream_start": streaming.start_urls(video=video),
        "caption_tracks": tracks,
    }
    return render(request, "creators/watch.html", context)


@require_GET
def video_file(request: HttpRequest, public_id: str, kind: str) -> HttpResponseBase:
    """Poster and published rendition for viewers who may see the video; every file for its owner.

    At the day's screen-time limit the selector refuses someone else's rendition (403, no bytes); the
    poster stays, a still image that plays nothing and keeps the pages still open at the limit (the
    studio, notifications, decisions) whole. What is sent of a rendition to someone with a limit counts
    as served seconds. One's own files (the studio's preview and rendition) are neither locked nor
    counted: they are the creator's own work, which they already hold."""
    field = {"poster": "poster", "video": "rendition", "preview": "preview", "filmstrip": "filmstrip"}.get(
        kind
    )
    if field is None:
        raise Http404("No such file.")
    video, is_own = _video_for_file(request, public_id=public_id, kind=kind)
    if video is None or not getattr(video, field).name:
        raise Http404("No such file.")
    file = getattr(video, field)
    content_type = "image/jpeg" if kind in ("poster", "filmstrip") else "video/mp4"
    meter = None
    if not is_own and kind == "video":  # a preview is served to its owner only
        meter = screen_time_meter(
            user=viewer_of(request).user,
            file_key=f"{video.pk}:rendition-{video.rendition_version}",
            duration_seconds=video.rendition_duration or video.trimmed_duration,
        )
    response = stored_file_response(
        request, storage=file.storage, name=file.name, content_type=content_type, on_sent=meter
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _video_for_file(request: HttpRequest, *, public_id: str, kind: str) -> tuple[Video | None, bool]:
    """The video whose file ``kind`` is asked for, if the requester may have it, and whether it is
    their own: every file of one's own videos; the poster, the rendition and its stream to whoever may
    see the video (the rendition and stream not at the screen-time limit)."""
    video = None
    if request.user.is_authenticated:
        own_profile = CreatorProfile.objects.filter(user_id=request.user.pk).first()
        if own_profile is not None:
            video = selectors.studio_video_get(owner=own_profile, public_id=public_id)
    is_own = video is not None
    if video is None and kind not in ("preview", "filmstrip"):  # the studio's own files
        video = selectors.video_get_visible(
            public_id=public_id, viewer=viewer_of(request), despite_screen_time=kind == "poster"
        )
    return video, is_own


@require_GET
def video_stream(request: HttpRequest, public_id: str, version: int, name: str) -> HttpResponseBase:
    """The HLS ladder of the published rendition, to exactly whom ``video_file`` gives the MP4.

    The version in the path makes every URL of a ladder unique to it, so everything may be cached; a
    re-trimmed video's old URLs answer 404. Segments are counted as screen time like the MP4's bytes: on
    disk per segment as sent (the same segment of another rung shares its count); on object storage,
    whose segments the site never sees, the whole rendition when a rung's playlist is handed out. The
    sound's rendition plays beside a rung and is not counted again."""
    video, is_own = _video_for_file(request, public_id=public_id, kind="video")
    part = streaming.stream_part(video=video, relative=name) if video is not None else None
    if video is None or part is None or version != video.rendition_version:
        raise Http404("No such file.")
    storage = video.stream.storage
    file_key = f"{video.pk}:stream-{video.rendition_version}"
    user = viewer_of(request).user
    if part.is_playlist:
        if (
            part.is_media_playlist
            and not part.is_sound
            and not is_own
            and streaming.is_on_object_storage(storage)
        ):
            duration = video.rendition_duration or video.trimmed_duration
            meter = screen_time_meter(user=user, file_key=file_key, duration_seconds=duration)
            if meter is not None:
                meter(1, 1)
        try:
            text = streaming.playlist_for_viewer(storage=storage, part=part)
        except FileNotFoundError as error:
            raise Http404("No such file.") from error
        if part.relative == "master.m3u8":
            text = captions.master_with_subtitles(text, tracks=_hls_subtitles(video))
        response: HttpResponseBase = HttpResponse(text, content_type=part.content_type)
        # Presigned URLs expire; the playlist naming them must not outlive them in a cache.
        response["Cache-Control"] = "private, max-age=300"
        return response
    if not storage.exists(part.storage_name):
        raise Http404("No such file.")
    meter = None
    if not is_own and part.is_segment and not part.is_sound:
        meter = screen_time_meter(
            user=user,
            file_key=f"{file_key}:{name.rsplit('/', 1)[-1]}",
            duration_seconds=streaming.segment_seconds(storage=storage, part=part),
        )
    response = stored_file_response(
        request, storage=storage, name=part.storage_name, content_type=part.content_type, on_sent=meter
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _caption_language_default(request: HttpRequest, tracks: list[Any]) -> str:
    """The captions form's first choice: the language the page is shown in, unless the video has captions
    in it already; then the first language it has none in."""
    taken = {track.language for track in tracks}
    preferred = [getattr(request, "LANGUAGE_CODE", ""), *captions.LANGUAGES]
    return next((code for code in preferred if code in captions.LANGUAGES and code not in taken), "en")


def _hls_subtitles(video: Video) -> list[captions.HlsSubtitles]:
    """The caption tracks as the master playlist lists them. Added as it is served, not written into the
    stored master: captions come and go without re-rendering the ladder, and the master is the site's."""
    return [
        captions.HlsSubtitles(
            language=language,
            name=captions.LANGUAGES.get(language, language),
            uri=reverse("creators:video_captions", args=[video.public_id, language, "m3u8"]),
        )
        for language in video.caption_languages
    ]


@require_GET
def video_captions(request: HttpRequest, public_id: str, language: str, extension: str) -> HttpResponse:
    """A caption track, to exactly whom ``video_file`` gives the video: the WebVTT we wrote (``.vtt``),
    or for the HLS master its one-segment subtitle playlist (``.m3u8``). Always sent by the site, also
    with media on S3, so that a <track> needs no CORS and the check cannot be skipped."""
    video, _is_own = _video_for_file(request, public_id=public_id, kind="video")
    if video is None or language not in video.caption_languages:
        raise Http404("No such file.")
    if extension == "m3u8":
        vtt = reverse("creators:video_captions", args=[video.public_id, language, "vtt"])
        seconds = video.rendition_duration or video.trimmed_duration or 0.0
        response = HttpResponse(
            captions.subtitle_playlist(vtt_uri=vtt, seconds=seconds),
            content_type="application/vnd.apple.mpegurl",
        )
    else:
        track = selectors.caption_track_get(video=video, language=language)
        if track is None:
            raise Http404("No such file.")
        try:
            with track.file.storage.open(str(track.file.name), "rb") as handle:
                data = handle.read()
        except FileNotFoundError as error:
            raise Http404("No such file.") from error
        response = HttpResponse(data, content_type="text/vtt; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
    # Replacing a track keeps its URL: caches ask again each time.
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the studio ----------------------------------------------------------------------


def creator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and a creator profile: without one, the studio starts by making it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = CreatorProfile.objects.filter(user_id=request.user.pk or 0).select_related("user").first()
        if creator is None:
            return redirect("creators:studio_profile")
        return view(request, creator, *args, **kwargs)

    return wrapper


def _studio_video(creator: CreatorProfile, public_id: str) -> Video:
    video = selectors.studio_video_get(owner=creator, public_id=public_id)
    if video is None:
        raise Http404("No such video.")
    return video


@creator_required
def studio(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    rows = selectors.studio_rows(owner=creator)
    requests = selectors.follow_requests(profile=creator)
    return render(
        request, "creators/studio.html", {"creator": creator, "rows": rows, "follow_requests": requests}
    )


@creator_required
@require_GET
def studio_status(request: HttpRequest, creator: CreatorProfile) -> JsonResponse:
    videos = selectors.studio_videos(owner=creator).only(
        "public_id",
        "state",
        "failure_reason",
        "failed_step",
        "pending_trim_end",
        "owner_id",
        "work_started_at",
        "work_heartbeat_at",
    )[:100]
    return JsonResponse(
        {
            "videos": [
                {
                    "id": str(video.public_id),
                    "state": video.state,
                    "label": video.get_state_display(),
                    "is_working": video.is_working,
                    "is_stuck": video.is_stuck,
                    # Stored in English; the reasons we wrote are in the catalogue (gettext_noop in media).
                    "failure_reason": _(video.failure_reason) if video.failure_reason else "",
                }
                for video in videos
            ]
        }
    )


@creator_required
def studio_upload(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            form.is_valid()  # the file field is empty after a stopped upload: say why instead
            form.errors.clear()
            form.add_error(
                None,
                _("The file is too large: the limit is %(mb)s MB.") % {"mb": settings.VIDEO_MAX_UPLOAD_MB},
            )
        elif form.is_valid():
            try:
                video = services.video_upload(owner=creator, upload=form.cleaned_data["file"])
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Uploaded. We're preparing your video."))
                return redirect("creators:studio_video", public_id=video.public_id)
        return render(request, "creators/studio_upload.html", _upload_context(form), status=400)
    return render(request, "creators/studio_upload.html", _upload_context(form))


def _upload_context(form: UploadForm) -> dict[str, Any]:
    return {
        "form": form,
        "max_mb": settings.VIDEO_MAX_UPLOAD_MB,
        "max_minutes": round(settings.VIDEO_MAX_SECONDS / 60, 1),
    }


@creator_required
def studio_video(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    video = _studio_video(creator, public_id)
    initial = {
        "caption": video.caption,
        "topics": [video_topic.topic for video_topic in video.video_topics.all()],
        "visibility": video.visibility,
        "content_level": video.content_level,
    }
    trim_start = video.pending_trim_start if video.pending_trim_end is not None else video.trim_start
    trim_end = video.pending_trim_end or video.trim_end or video.duration
    # To the millisecond, as the editor writes them ("15.000", not "15.0" from the stored float).
    trim_initial = {
        name: f"{value:.3f}" if value is not None else None
        for name, value in (("start", trim_start), ("end", trim_end))
    }
    details = VideoDetailsForm(request.POST or None, initial=initial)
    trim = TrimForm(request.POST or None, initial=trim_initial)
    schedule = scheduling.schedule_form(creator=creator, data=request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        # Only a draft's first publish may be scheduled; a scheduled video moves its time on its own form.
        may_schedule = action == "publish" and video.state == State.DRAFT
        if details.is_valid() and trim.is_valid() and (not may_schedule or schedule.is_valid()):
            data = details.cleaned_data
            publish_at = schedule.chosen_time() if may_schedule else None
            try:
                if publish_at is not None:
                    # Checked before anything is saved, so a refused time leaves the draft as it was.
                    services.publish_time_validate(publish_at=publish_at, now=timezone.now())
                services.video_update_details(
                    video=video,
                    caption=data["caption"],
                    topic_slugs=[topic.slug for topic in data["topics"]],
                    visibility=data["visibility"],
                    content_level=data["content_level"],
                )
                start, end = trim.cleaned_data["start"], trim.cleaned_data["end"]
                if action == "publish" or video.state in (State.PUBLISHED, State.SCHEDULED):
                    services.video_publish(video=video, start=start, end=end, publish_at=publish_at)
                elif video.state == State.DRAFT:
                    services.video_trim_set(video=video, start=start, end=end)
            except ValidationError as error:
                if hasattr(error, "error_dict") and "publish_at" in error.error_dict:
                    schedule.add_error("publish_at", error.error_dict["publish_at"])
                else:
                    form_add_service_errors(details, error)
                if hasattr(error, "error_dict") and "trim" in error.error_dict:
                    trim.add_error(None, error.error_dict["trim"])
            else:
                if publish_at is not None:
                    when = scheduling.time_label(publish_at, creator=creator)
                    messages.success(request, _("Scheduled for %(when)s.") % {"when": when})
                else:
                    messages.success(
                        request,
                        _("Publishing — this takes a moment.") if action == "publish" else _("Saved."),
                    )
                return redirect("creators:studio_video", public_id=video.public_id)
        status = 400
    else:
        status = 200
    tracks = list(selectors.caption_tracks(video=video))
    context = {
        "creator": creator,
        "video": video,
        "details": details,
        "trim": trim,
        "topic_reviews": [link for link in video.video_topics.all() if link.topic.is_curated],
        "promote_url": hooks.promote_links(creator, [video]).get(video.pk),
        "caption_tracks": [
            {"track": track, "name": captions.LANGUAGES.get(track.language, track.language)}
            for track in tracks
        ],
        "caption_form": CaptionUploadForm(
            prefix="captions", initial={"language": _caption_language_default(request, tracks)}
        ),
        "schedule": schedule,
        **scheduling.schedule_labels(video=video, creator=creator),
        "time_zone": schedule.zone.key,
    }
    return render(request, "creators/studio_video.html", context, status=status)


@creator_required
@require_POST
def studio_video_schedule(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    """Move a scheduled video's time, or cancel the schedule (the video becomes a draft again)."""
    video = _studio_video(creator, public_id)
    target = reverse("creators:studio_video", args=[video.public_id])
    if request.POST.get("action") == "cancel":
        with service_call(request, success=_("Schedule cancelled: the video is a draft again.")):
            services.video_schedule_cancel(video=video)
        return redirect(target)
    form = scheduling.schedule_form(creator=creator, data={**request.POST.dict(), "schedule-when": "later"})
    publish_at = form.chosen_time() if form.is_valid() else None
    if publish_at is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target)
    when = scheduling.time_label(publish_at, creator=creator)
    with service_call(request, success=_("Now scheduled for %(when)s.") % {"when": when}):
        services.video_schedule_change(video=video, publish_at=publish_at)
    return redirect(target)


@creator_required
@require_POST
def studio_video_captions(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    """Upload a caption file for one language (replacing that language's). A refused file is named with
    its line in an error message at the top of the edit page (where messages show), and nothing is stored."""
    video = _studio_video(creator, public_id)
    form = CaptionUploadForm(request.POST, request.FILES, prefix="captions")
    target = reverse("creators:studio_video", args=[video.public_id])
    if getattr(request, "upload_too_large", False):
        messages.error(request, _("The caption file is too large."))
        return redirect(target)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target)
    upload = form.cleaned_data["file"]
    if upload.size > captions.MAX_BYTES:
        messages.error(request, _("The file is larger than %(kb)d KB.") % {"kb": captions.MAX_BYTES // 1024})
        return redirect(target)
    language = form.cleaned_data["language"]
    name = captions.LANGUAGES[language]
    with service_call(request, success=_("Captions saved: %(language)s.") % {"language": name}) as call:
        services.caption_track_set(video=video, language=language, data=upload.read())
    return redirect(target + "#captions" if call.ok else target)


@creator_required
@require_POST
def studio_video_cover(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    """Choose the cover's frame (``seconds``) or go back to the automatic one (``action=automatic``);
    a worker makes it, and the edit page shows it is on its way until it is stored."""
    video = _studio_video(creator, public_id)
    form = CoverForm(request.POST)
    target = reverse("creators:studio_video", args=[video.public_id]) + "#cover"
    automatic = request.POST.get("action") == "automatic"
    seconds = form.cleaned_data["seconds"] if form.is_valid() else None
    if not automatic and seconds is None:
        messages.error(request, _("Choose a frame for the cover."))
        return redirect(target)
    success = _("Making the automatic cover…") if automatic else _("Making the new cover…")
    with service_call(request, success=success):
        services.video_cover_choose(video=video, seconds=None if automatic else seconds)
    return redirect(target)


@creator_required
@require_POST
def studio_video_caption_delete(
    request: HttpRequest, creator: CreatorProfile, public_id: str, language: str
) -> HttpResponse:
    video = _studio_video(creator, public_id)
    if not services.caption_track_delete(video=video, language=language):
        raise Http404("No such captions.")
    name = captions.LANGUAGES.get(language, language)
    messages.success(request, _("Captions deleted: %(language)s.") % {"language": name})
    return redirect(reverse("creators:studio_video", args=[video.public_id]) + "#captions")


@creator_required
@require_POST
def studio_video_retry(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    video = _studio_video(creator, public_id)
    with service_call(request, success=_("Trying again.")):
        services.video_retry(video=video)
    if request.POST.get("next") == "edit":
        return redirect("creators:studio_video", public_id=video.public_id)
    return redirect("creators:studio")


@creator_required
@require_POST
def studio_video_delete(request: HttpRequest, creator: CreatorProfile, public_id: str) -> HttpResponse:
    video = _studio_video(creator, public_id)
    services.video_delete(video=video)
    messages.success(request, _("The video and its files are deleted."))
    return redirect("creators:studio")


@creator_required
@require_POST
def studio_follow_approve(request: HttpRequest, creator: CreatorProfile, follow_id: int) -> HttpResponse:
    try:
        services.follow_approve(creator=creator, follow_id=follow_id)
    except creator.followers.model.DoesNotExist as error:
        raise Http404("No such request.") from error
    return redirect("creators:studio")


@login_required
def studio_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    creator = CreatorProfile.objects.filter(user=user).first()
    initial = (
        {
            "handle": creator.handle,
            "display_name": creator.display_name,
            "bio": creator.bio,
            "links": "\n".join(creator.links),
        }
        if creator
        else {"display_name": user.display_name}
    )
    form = CreatorProfileForm(
        request.POST if "save_profile" in request.POST else None,
        initial=initial,
        handle_locked=creator is not None,
    )
    avatar_form = AvatarForm(
        request.POST if "save_avatar" in request.POST else None,
        request.FILES if "save_avatar" in request.POST else None,
    )
    if request.method == "POST" and "save_profile" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            if creator is None:
                creator = services.creator_profile_create(
                    user=user,
                    handle=data["handle"],
                    display_name=data["display_name"],
                    bio=data["bio"],
                    links=data["links"],
                )
                messages.success(
                    request, _("Welcome to the studio, @%(handle)s!") % {"handle": creator.handle}
                )
                return redirect("creators:studio")
            services.creator_profile_update(
                profile=creator,
                display_name=data["display_name"],
                bio=data["bio"],
                links=data["links"],
                region=creator.region,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("creators:studio_profile")
    if (
        request.method == "POST"
        and "save_avatar" in request.POST
        and creator is not None
        and avatar_form.is_valid()
    ):
        try:
            services.creator_avatar_set(profile=creator, data=avatar_form.cleaned_data["avatar"])
        except ValidationError as error:
            form_add_service_errors(avatar_form, error)
        else:
            messages.success(request, _("Avatar saved."))
            return redirect("creators:studio_profile")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "creators/studio_profile.html",
        {"creator": creator, "form": form, "avatar_form": avatar_form},
        status=status,
    )


def avatar_file(request: HttpRequest, handle: str, size: str) -> HttpResponseBase:
    """A creator's avatar; none across a block, either way, as for their profile and videos."""
    creator = selectors.profile_get(handle=handle)
    field = {"small": "avatar_small", "large": "avatar_large"}.get(size)
    if creator is None or field is None or not getattr(creator, field).name:
        raise Http404("No avatar.")
    if selectors.profile_block_state(profile=creator, viewer=viewer_of(request)) != selectors.BlockState.NONE:
        raise Http404("No avatar.")
    file = getattr(creator, field)
    response = stored_file_response(request, storage=file.storage, name=file.name, content_type="image/jpeg")
    # Private: whether it is served depends on who asks, so no shared cache may keep it for everyone.
    response["Cache-Control"] = "private, max-age=3600"
    return response
