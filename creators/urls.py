"""URLs of creator pages and the studio."""

from django.urls import include, path, re_path

from creators import views
from creators.trust import views as trust_views

app_name = "creators"

urlpatterns = [
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/$", views.profile, name="profile"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/follow$", views.follow_toggle, name="follow"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/block$", views.block, name="block"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/unblock$", views.unblock, name="unblock"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/mute$", views.mute, name="mute"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/unmute$", views.unmute, name="unmute"),
    re_path(
        r"^@(?P<handle>[A-Za-z0-9_.]{1,30})/avatar-(?P<size>small|large)\.jpg$",
        views.avatar_file,
        name="avatar",
    ),
    # Before the media files' "v/<id>/<kind>": "comments" is a page, not a file.
    path("", include("creators.comments.urls")),
    path("v/<uuid:public_id>/", views.video_watch, name="video"),
    path("v/<uuid:public_id>/<str:kind>", views.video_file, name="video_file"),
    path("v/<uuid:public_id>/stream/<int:version>/<path:name>", views.video_stream, name="video_stream"),
    re_path(
        r"^v/(?P<public_id>[0-9a-f-]{36})/captions/(?P<language>[a-z]{2,3})\.(?P<extension>vtt|m3u8)$",
        views.video_captions,
        name="video_captions",
    ),
    path("studio/", views.studio, name="studio"),
    path("studio/status.json", views.studio_status, name="studio_status"),
    path("studio/upload/", views.studio_upload, name="studio_upload"),
    path("studio/profile/", views.studio_profile, name="studio_profile"),
    path("studio/videos/<uuid:public_id>/", views.studio_video, name="studio_video"),
    path("studio/videos/<uuid:public_id>/retry", views.studio_video_retry, name="studio_video_retry"),
    path(
        "studio/videos/<uuid:public_id>/schedule", views.studio_video_schedule, name="studio_video_schedule"
    ),
    path("studio/videos/<uuid:public_id>/delete", views.studio_video_delete, name="studio_video_delete"),
    path(
        "studio/videos/<uuid:public_id>/captions", views.studio_video_captions, name="studio_video_captions"
    ),
    path("studio/videos/<uuid:public_id>/cover", views.studio_video_cover, name="studio_video_cover"),
    path(
        "studio/videos/<uuid:public_id>/captions/<slug:language>/delete",
        views.studio_video_caption_delete,
        name="studio_video_caption_delete",
    ),
    path("decisions/", trust_views.decision_list, name="decisions"),
    path("decisions/<int:decision_id>/", trust_views.decision_detail, name="decision"),
    path(
        "studio/followers/<int:follow_id>/approve", views.studio_follow_approve, name="studio_follow_approve"
    ),
]
