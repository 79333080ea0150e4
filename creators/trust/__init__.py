"""Trust and safety in one place: reports, moderation decisions and appeals, watched words, the review queues,
the transparency figures, and the admin, pages and API that run them.

- ``reports``: a viewer's report of a video or an account, and deciding reports (one decision per target)
- ``decisions``: decisions with their statement of reasons, strikes and suspensions, appeals
- ``moderation``: staff moderation of a video and review of a curated topic
- ``watched_words``: the words that send a caption or bio to the review queue
- ``transparency``: the monthly figures of reports, decisions and appeals
- ``admin``, ``admin_review``, ``admin_decisions``, ``admin_transparency``, ``admin_urls``: the moderators' admin
- ``views``, ``api``: a person's own decisions and appeals, as pages and as the API

The models (``Report``, ``Decision``, ``Appeal``, ``WatchedWord``) are in ``creators.models``: Django finds an
app's models there, and reports point at videos and profiles, which live in this app.
"""
