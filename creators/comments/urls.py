"""URLs of the conversation's pages (included by ``creators.urls``, so their names are ``creators:…``)."""

from django.urls import path

from creators.comments import views

urlpatterns = [
    path("v/<uuid:public_id>/comments", views.video_comments, name="video_comments"),
    path("v/<uuid:public_id>/comments/<int:comment_id>", views.comment_thread, name="comment_thread"),
    path("comments/<int:comment_id>/<slug:action>", views.comment_action, name="comment_action"),
    path("studio/comments/", views.studio_comments, name="studio_comments"),
    path("studio/comments/settings", views.studio_comment_settings, name="studio_comment_settings"),
    path(
        "studio/comments/filter-words/<int:word_id>/delete",
        views.studio_filter_word_delete,
        name="studio_filter_word_delete",
    ),
    path(
        "studio/videos/<uuid:public_id>/comment-policy",
        views.studio_video_comment_policy,
        name="studio_video_comment_policy",
    ),
]
