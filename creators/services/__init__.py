"""Writes of the creators app, one module per concern; import them from here (``services.video_upload``).

- ``profiles``: creator profiles, avatars and follows
- ``uploads``: a video's upload (checked by content) and its deletion
- ``resumable``: chunked upload sessions that end in ``video_upload``
- ``publishing``: caption, topics, visibility, trim, and the request to publish
- ``captions``: a video's caption tracks (parsed, re-written as WebVTT, one per language)
- ``cover``: the poster frame a creator chooses, made by a worker
- ``processing``: the media state machine's worker side (process, render, fail, retry, recover)

Trust and safety (moderation, decisions and appeals, reports, watched words) lives in ``creators.trust``; its
decision and moderation writes are re-exported here because the rest of the app and its callers reach every
creators write through this module.
"""

from creators.services._storage import work_dirs_clean
from creators.services.captions import caption_track_delete, caption_track_set
from creators.services.cover import video_cover_choose, video_cover_make
from creators.services.processing import (
    GAVE_UP,
    MAX_ATTEMPTS,
    video_fail,
    video_process,
    video_render,
    video_retry,
    videos_recover_stuck,
)
from creators.services.profiles import (
    MAX_LINKS,
    RESERVED_HANDLES,
    account_block,
    account_mute,
    account_unblock,
    account_unmute,
    creator_avatar_set,
    creator_profile_create,
    creator_profile_update,
    follow_approve,
    follow_create,
    follow_delete,
)
from creators.services.publishing import (
    MAX_HASHTAGS,
    MIN_TRIM_SECONDS,
    hashtags_parse,
    trim_validate,
    video_publish,
    video_trim_set,
    video_update_details,
)
from creators.services.resumable import (
    Readable,
    UploadOffsetMismatch,
    upload_part_path,
    upload_session_append,
    upload_session_cancel,
    upload_session_finish,
    upload_session_start,
    upload_sessions_expire,
)
from creators.services.scheduling import (
    SCHEDULE_MAX_AHEAD,
    SCHEDULE_MIN_LEAD,
    publish_time_validate,
    video_followers_notify,
    video_schedule_cancel,
    video_schedule_change,
    videos_publish_due,
)
from creators.services.uploads import filename_for_display, video_delete, video_upload
from creators.trust.decisions import (
    appeal_create,
    appeal_decide,
    decision_take,
    posting_check,
    profile_review_clear,
    strikes_active,
)
from creators.trust.moderation import video_moderate, videotopic_review

__all__ = [
    "GAVE_UP",
    "MAX_ATTEMPTS",
    "MAX_HASHTAGS",
    "MAX_LINKS",
    "MIN_TRIM_SECONDS",
    "RESERVED_HANDLES",
    "SCHEDULE_MAX_AHEAD",
    "SCHEDULE_MIN_LEAD",
    "Readable",
    "UploadOffsetMismatch",
    "account_block",
    "account_mute",
    "account_unblock",
    "account_unmute",
    "appeal_create",
    "appeal_decide",
    "caption_track_delete",
    "caption_track_set",
    "creator_avatar_set",
    "creator_profile_create",
    "creator_profile_update",
    "decision_take",
    "filename_for_display",
    "follow_approve",
    "follow_create",
    "follow_delete",
    "hashtags_parse",
    "posting_check",
    "profile_review_clear",
    "publish_time_validate",
    "strikes_active",
    "trim_validate",
    "upload_part_path",
    "upload_session_append",
    "upload_session_cancel",
    "upload_session_finish",
    "upload_session_start",
    "upload_sessions_expire",
    "video_cover_choose",
    "video_cover_make",
    "video_delete",
    "video_fail",
    "video_followers_notify",
    "video_moderate",
    "video_process",
    "video_publish",
    "video_render",
    "video_retry",
    "video_schedule_cancel",
    "video_schedule_change",
    "video_trim_set",
    "video_update_details",
    "video_upload",
    "videos_publish_due",
    "videos_recover_stuck",
    "videotopic_review",
    "work_dirs_clean",
]
