"""URLs of the creators API under ``/api/v1/``."""

from django.urls import path, re_path

from creators.api import views
from creators.comments import api as comments
from creators.trust import api as decisions

HANDLE = r"(?P<handle>[A-Za-z0-9_.]{1,30})"

urlpatterns = [
    path("topics", views.TopicListView.as_view(), name="api-topics"),
    re_path(rf"^creators/{HANDLE}$", views.CreatorDetailView.as_view(), name="api-creator"),
    re_path(rf"^creators/{HANDLE}/videos$", views.CreatorVideoListView.as_view(), name="api-creator-videos"),
    re_path(rf"^creators/{HANDLE}/follow$", views.FollowView.as_view(), name="api-follow"),
    path("videos/<uuid:public_id>", views.VideoDetailView.as_view(), name="api-video"),
    path("blocks", views.BlockListView.as_view(), name="api-blocks"),
    re_path(rf"^blocks/{HANDLE}$", views.BlockView.as_view(), name="api-block"),
    path("mutes", views.MuteListView.as_view(), name="api-mutes"),
    re_path(rf"^mutes/{HANDLE}$", views.MuteView.as_view(), name="api-mute"),
    path("studio/profile", views.StudioProfileView.as_view(), name="api-studio-profile"),
    path("studio/videos", views.StudioVideoListView.as_view(), name="api-studio-videos"),
    path("studio/videos/<uuid:public_id>", views.StudioVideoDetailView.as_view(), name="api-studio-video"),
    path(
        "studio/videos/<uuid:public_id>/publish",
        views.StudioVideoPublishView.as_view(),
        name="api-studio-publish",
    ),
    path(
        "studio/videos/<uuid:public_id>/retry", views.StudioVideoRetryView.as_view(), name="api-studio-retry"
    ),
    path("videos/<uuid:public_id>/comments", comments.VideoCommentsView.as_view(), name="api-video-comments"),
    path("comments/<int:comment_id>", comments.CommentDetailView.as_view(), name="api-comment"),
    path(
        "comments/<int:comment_id>/replies", comments.CommentRepliesView.as_view(), name="api-comment-replies"
    ),
    path("comments/<int:comment_id>/like", comments.CommentLikeView.as_view(), name="api-comment-like"),
    path("comments/<int:comment_id>/pin", comments.CommentPinView.as_view(), name="api-comment-pin"),
    path("comments/<int:comment_id>/hide", comments.CommentHideView.as_view(), name="api-comment-hide"),
    path(
        "comments/<int:comment_id>/approve", comments.CommentApproveView.as_view(), name="api-comment-approve"
    ),
    path(
        "studio/comment-settings", comments.StudioCommentSettingsView.as_view(), name="api-comment-settings"
    ),
    path(
        "studio/videos/<uuid:public_id>/comment-policy",
        comments.StudioVideoCommentPolicyView.as_view(),
        name="api-video-comment-policy",
    ),
    path("studio/comment-filter-words", comments.StudioFilterWordsView.as_view(), name="api-filter-words"),
    path(
        "studio/comment-filter-words/<int:word_id>",
        comments.StudioFilterWordView.as_view(),
        name="api-filter-word",
    ),
    path("studio/comments", comments.StudioCommentsInboxView.as_view(), name="api-comments-inbox"),
    path("decisions/", decisions.DecisionListView.as_view(), name="api-decisions"),
    path("decisions/<int:decision_id>", decisions.DecisionDetailView.as_view(), name="api-decision"),
    path(
        "decisions/<int:decision_id>/appeal",
        decisions.DecisionAppealView.as_view(),
        name="api-decision-appeal",
    ),
    path(
        "comments/<int:comment_id>/report", decisions.CommentReportView.as_view(), name="api-comment-report"
    ),
    path("studio/uploads", views.UploadStartView.as_view(), name="api-upload-start"),
    path("studio/uploads/<uuid:upload_id>", views.UploadSessionView.as_view(), name="api-upload"),
    path("studio/uploads/<uuid:upload_id>/chunk", views.UploadChunkView.as_view(), name="api-upload-chunk"),
    path(
        "studio/uploads/<uuid:upload_id>/complete",
        views.UploadCompleteView.as_view(),
        name="api-upload-complete",
    ),
]
